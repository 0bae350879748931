namespace AuditKit.Server.Tests.Api;

/// <summary>
/// A strict RFC 4180 reader for the tests: CRLF between records, quoted fields with doubled quotes; anything else
/// (a bare quote in an unquoted field, a lone LF between records) fails the test.
/// </summary>
internal static class AuditCsv
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new ShouldAssertException("unterminated quoted field");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r'))
                {
                    if (text[i] is '"' or '\n')
                    {
                        throw new ShouldAssertException($"unquoted field holds '{text[i]}' at {i}");
                    }

                    field.Append(text[i++]);
                }
            }

            fields.Add(field.ToString());
            field.Clear();
            if (i >= text.Length)
            {
                throw new ShouldAssertException("the last record does not end with CRLF");
            }

            if (text[i] == ',')
            {
                i++;
                continue;
            }

            if (text[i] != '\r' || i + 1 >= text.Length || text[i + 1] != '\n')
            {
                throw new ShouldAssertException($"expected CRLF at {i}");
            }

            i += 2;
            records.Add([.. fields]);
            fields.Clear();
        }

        return records;
    }
}
