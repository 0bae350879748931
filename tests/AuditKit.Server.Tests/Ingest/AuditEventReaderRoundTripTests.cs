using System.Reflection;
using System.Text.Json.Serialization;

namespace AuditKit.Server.Tests.Ingest;

/// <summary>
/// The two codecs of the contract agree on every field: an event with every property set, written by the clients'
/// source-generated <see cref="AuditJsonContext"/>, reads back field for field through the server's reader. The
/// properties are enumerated by reflection, so a field added to <see cref="AuditEvent"/> without reader support fails here.
/// </summary>
public sealed class AuditEventReaderRoundTripTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 2, 8, 30, 0, TimeSpan.Zero);

    // Values the contract constrains (an enumerated source, an UPPER_SNAKE_CASE action, an address); any other string
    // property gets a value made from its name.
    private static readonly Dictionary<string, object> s_validValues = new(StringComparer.Ordinal)
    {
        [nameof(AuditEvent.Source)] = AuditSources.Http,
        [nameof(AuditEvent.Action)] = AuditActions.LoginFailed,
        [nameof(AuditEvent.IpAddress)] = "2001:db8::7",
        [nameof(AuditEvent.Method)] = "POST",
        [nameof(AuditEvent.StatusCode)] = 404,
        [nameof(AuditEvent.DurationMs)] = 12.5,
    };

    [Fact]
    public void Every_field_written_by_the_client_context_is_read_back_by_the_server()
    {
        var sent = new AuditEvent();
        foreach (var property in ContractProperties())
        {
            property.SetValue(sent, ValueFor(property));
        }

        var sentJson = JsonSerializer.SerializeToNode(sent, AuditJsonContext.Default.AuditEvent)!.AsObject();
        using var document = JsonDocument.Parse(sentJson.ToJsonString());
        var (read, errors) = AuditEventReader.Read(document.RootElement, s_now);
        var readJson = JsonSerializer.SerializeToNode(read, AuditJsonContext.Default.AuditEvent)!.AsObject();

        errors.ShouldBeEmpty();
        foreach (var property in ContractProperties())
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            name.ShouldNotBeNull($"{property.Name} has no [JsonPropertyName(AuditEventFields.{property.Name})]");
            sentJson.ContainsKey(name).ShouldBeTrue($"{name} was not written");
            if (property.Name is nameof(AuditEvent.ReceivedAt) or nameof(AuditEvent.ActionCanonical))
            {
                readJson.ContainsKey(name).ShouldBeFalse($"the server sets {name} itself and ignores a posted one");
                continue;
            }

            readJson.ContainsKey(name).ShouldBeTrue($"the reader dropped {name}");
            JsonNode.DeepEquals(sentJson[name], readJson[name]).ShouldBeTrue(
                $"{name}: sent {sentJson[name]?.ToJsonString()}, read {readJson[name]?.ToJsonString()}");
        }
    }

    [Fact]
    public void Every_field_name_of_the_event_is_one_the_fields_class_defines()
    {
        var defined = typeof(AuditEventFields).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(static f => f.IsLiteral)
            .ToDictionary(static f => f.Name, static f => (string)f.GetRawConstantValue()!);

        foreach (var property in ContractProperties())
        {
            defined.ShouldContainKey(property.Name);
            property.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name.ShouldBe(defined[property.Name]);
        }

        foreach (var (property, field) in new[] { (nameof(AuditChange.Property), nameof(AuditEventFields.ChangeProperty)), (nameof(AuditChange.Old), nameof(AuditEventFields.ChangeOld)), (nameof(AuditChange.New), nameof(AuditEventFields.ChangeNew)) })
        {
            typeof(AuditChange).GetProperty(property)!.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name.ShouldBe(defined[field]);
        }
    }

    private static IEnumerable<PropertyInfo> ContractProperties() =>
        typeof(AuditEvent).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(static p => p.CanWrite);

    /// <summary>A valid value unlike the property's default, so a field the reader skips cannot compare equal.</summary>
    private static object ValueFor(PropertyInfo property)
    {
        if (s_validValues.TryGetValue(property.Name, out var value))
        {
            return value;
        }

        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type switch
        {
            _ when type == typeof(string) => "value of " + property.Name,
            _ when type == typeof(Guid) => AuditEventIds.New(s_now.AddMinutes(-5)),
            _ when type == typeof(DateTimeOffset) => s_now.AddMinutes(-property.Name.Length),
            _ when type == typeof(AuditStatus) => AuditStatus.Failure,
            _ when type == typeof(AuditSeverity) => AuditSeverity.Critical,
            _ when type == typeof(JsonObject) => new JsonObject { [property.Name] = 1, ["nested"] = new JsonArray(true, "x") },
            _ when type == typeof(IList<string>) => new List<string> { "SOX", property.Name },
            _ when type == typeof(IList<AuditChange>) => new List<AuditChange>
            {
                new() { Property = "Status", Old = "draft", New = JsonValue.Create(3) },
                new() { Property = "Address.City", Old = null, New = new JsonObject { ["name"] = "Lyon" } },
            },
            _ => throw new InvalidOperationException(
                $"{property.Name} is of a type ({type}) this test has no value for: add one, and reader support for the field."),
        };
    }
}
