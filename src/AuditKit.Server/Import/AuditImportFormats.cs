namespace AuditKit.Server.Import;

/// <summary>The file formats <c>import --format</c> reads.</summary>
internal static class AuditImportFormats
{
    /// <summary>AuditKit's own: one event of the contract per line, as the client's file sink and NDJSON exports write.</summary>
    public const string Native = "native";

    /// <summary>The Python audit service's <c>audit.jsonl</c> (<c>event_id</c>, <c>level</c>, <c>message</c>, …).</summary>
    public const string Seed003 = "seed003";

    public static IImportLineMapper? Mapper(string format) => format switch
    {
        Native => new NativeImportLineMapper(),
        Seed003 => new Seed003ImportLineMapper(),
        _ => null,
    };
}
