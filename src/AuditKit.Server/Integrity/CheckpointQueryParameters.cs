using System.ComponentModel;

namespace AuditKit.Server.Integrity;

/// <summary>The query string of <c>GET /api/v1/integrity/checkpoints</c> as sent; checked by <see cref="IntegrityEndpoints"/>.</summary>
internal sealed class CheckpointQueryParameters
{
    [FromQuery(Name = "from_seq"), Description("Checkpoints at this seq or later.")]
    public string? FromSeq { get; set; }

    [FromQuery(Name = "to_seq"), Description("Checkpoints at this seq or earlier.")]
    public string? ToSeq { get; set; }

    [FromQuery(Name = "limit"), Description("Page size, 1 to the server's maximum page size (default: the server's default page size).")]
    public string? Limit { get; set; }

    [FromQuery(Name = "cursor"), Description("The next_cursor of the previous page.")]
    public string? Cursor { get; set; }
}
