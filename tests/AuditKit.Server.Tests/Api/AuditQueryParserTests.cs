namespace AuditKit.Server.Tests.Api;

public sealed class AuditQueryParserTests
{
    private static readonly AuditKitServerOptions s_options = new();

    [Fact]
    public void Defaults_to_fifty_newest_first()
    {
        AuditQueryParser.TryParse(new AuditLogQueryParameters(), s_options, out var query, out var errors).ShouldBeTrue();

        errors.ShouldBeEmpty();
        query.Limit.ShouldBe(50);
        query.Offset.ShouldBe(0);
        query.SortBy.ShouldBe(AuditSortField.Timestamp);
        query.Descending.ShouldBeTrue();
        query.IncludeTotal.ShouldBeTrue();
    }

    [Fact]
    public void Reads_every_filter()
    {
        var parameters = new AuditLogQueryParameters
        {
            Action = "login-failed",
            Resource = "Customer",
            ResourceId = "7",
            UserId = "alice",
            Status = "failure",
            Severity = "High",
            IpAddress = "::1",
            ServiceName = "shop",
            LogType = "leave_request",
            Source = "HTTP",
            Search = " refund ",
            FromDate = "2024-01-01T00:00:00Z",
            ToDate = "2024-02-01T00:00:00 01:00",
            Limit = "1000",
            Offset = "20",
            SortBy = "severity",
            SortOrder = "ASC",
        };

        AuditQueryParser.TryParse(parameters, s_options, out var query, out var errors).ShouldBeTrue(string.Join("; ", errors.Keys));

        query.Action.ShouldBe("LOGIN_FAILED");
        query.ResourceType.ShouldBe("Customer");
        query.ResourceId.ShouldBe("7");
        query.UserId.ShouldBe("alice");
        query.Status.ShouldBe(AuditStatus.Failure);
        query.Severity.ShouldBe(AuditSeverity.High);
        query.IpAddress.ShouldBe("::1");
        query.ServiceName.ShouldBe("shop");
        query.Category.ShouldBe("leave_request");
        query.Source.ShouldBe("http");
        query.Search.ShouldBe("refund");
        query.From.ShouldBe(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        query.To.ShouldBe(new DateTimeOffset(2024, 1, 31, 23, 0, 0, TimeSpan.Zero));
        query.Limit.ShouldBe(1000);
        query.Offset.ShouldBe(20);
        query.SortBy.ShouldBe(AuditSortField.Severity);
        query.Descending.ShouldBeFalse();
    }

    [Theory]
    [InlineData("limit", "1001")]
    [InlineData("limit", "0")]
    [InlineData("limit", "ten")]
    [InlineData("offset", "-1")]
    [InlineData("sort_by", "password")]
    [InlineData("sort_order", "sideways")]
    [InlineData("status", "MAYBE")]
    [InlineData("severity", "HUGE")]
    [InlineData("from_date", "last tuesday")]
    [InlineData("ip_address", "not-an-ip")]
    [InlineData("cursor", "!!!")]
    [InlineData("include_total", "perhaps")]
    public void Names_a_bad_parameter(string name, string value)
    {
        var parameters = new AuditLogQueryParameters();
        typeof(AuditLogQueryParameters).GetProperties()
            .Single(p => p.GetCustomAttributes(typeof(Microsoft.AspNetCore.Mvc.FromQueryAttribute), false)
                .Cast<Microsoft.AspNetCore.Mvc.FromQueryAttribute>().SingleOrDefault()?.Name == name)
            .SetValue(parameters, value);

        AuditQueryParser.TryParse(parameters, s_options, out _, out var errors).ShouldBeFalse();

        errors.Keys.ShouldBe([name]);
    }

    [Fact]
    public void From_after_to_is_an_error()
    {
        var parameters = new AuditLogQueryParameters { FromDate = "2024-02-01T00:00:00Z", ToDate = "2024-01-01T00:00:00Z" };

        AuditQueryParser.TryParse(parameters, s_options, out _, out var errors).ShouldBeFalse();

        errors.Keys.ShouldBe(["from_date"]);
    }

    [Fact]
    public void A_cursor_round_trips_and_sets_the_sort()
    {
        var cursor = new AuditCursor(AuditSortField.UserId, false, "bob \"quoted\" ✓", Guid.CreateVersion7());
        var token = AuditCursorCodec.Encode(cursor);

        AuditQueryParser.TryParse(new AuditLogQueryParameters { Cursor = token, Offset = "40" }, s_options, out var query, out _).ShouldBeTrue();

        query.Cursor.ShouldBe(cursor);
        query.SortBy.ShouldBe(AuditSortField.UserId);
        query.Descending.ShouldBeFalse();
        query.Offset.ShouldBe(0);
        token.ShouldAllBe(static c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');
    }

    [Fact]
    public void A_cursor_for_another_sort_is_an_error()
    {
        var token = AuditCursorCodec.Encode(new AuditCursor(AuditSortField.Timestamp, true, "x", Guid.CreateVersion7()));

        AuditQueryParser.TryParse(new AuditLogQueryParameters { Cursor = token, SortBy = "action" }, s_options, out _, out var errors).ShouldBeFalse();

        errors.Keys.ShouldBe(["cursor"]);
    }
}
