Console.WriteLine("AuditKit load tool");
