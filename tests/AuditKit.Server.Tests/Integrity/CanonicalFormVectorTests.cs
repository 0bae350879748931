namespace AuditKit.Server.Tests.Integrity;

/// <summary>
/// Canonical form v1 against vectors/canonical-v1.json, which an independent implementation written from
/// docs/integrity.md (vectors/generate.py) produced: the document, that implementation and the server agree.
/// </summary>
public sealed class CanonicalFormVectorTests
{
    private static readonly string s_vectors = Path.Combine(AppContext.BaseDirectory, "Integrity", "vectors", "canonical-v1.json");

    public static TheoryData<string> VectorNames()
    {
        var names = new TheoryData<string>();
        foreach (var vector in Load())
        {
            names.Add(vector.GetProperty("name").GetString()!);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Each_vector_encodes_and_hashes_as_published(string name)
    {
        var vector = Load().Single(v => v.GetProperty("name").GetString() == name);
        var row = IntegrityTestRows.FromVector(vector.GetProperty("event"));

        Convert.ToHexStringLower(AuditEventCanonicalForm.Encode(row)).ShouldBe(vector.GetProperty("canonical").GetString());
        var previous = Convert.FromHexString(vector.GetProperty("previous_hash").GetString()!);
        Convert.ToHexStringLower(AuditEventCanonicalForm.Hash(previous, row, new CanonicalWriter())).ShouldBe(vector.GetProperty("hash").GetString());
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Each_vector_linked_from_its_prepared_bytes_hashes_as_published(string name)
    {
        // What inserts do: canonical bytes written before the head is locked with the seq left open, the seq and the
        // previous hash set in place after.
        var vector = Load().Single(v => v.GetProperty("name").GetString() == name);
        var row = IntegrityTestRows.FromVector(vector.GetProperty("event"));
        var seq = row.Seq;
        row.Seq = 0;
        var previous = Convert.FromHexString(vector.GetProperty("previous_hash").GetString()!);

        var head = AuditChainBatch.Prepare([row]).Link((seq - 1, previous));

        head.Seq.ShouldBe(seq);
        row.Seq.ShouldBe(seq);
        Convert.ToHexStringLower(row.Hash!).ShouldBe(vector.GetProperty("hash").GetString());
        head.Hash.ShouldBe(row.Hash);
    }

    [Fact]
    public void A_prepared_batch_links_its_rows_in_order_and_leaves_out_those_skipped()
    {
        var rows = Enumerable.Range(0, 5).Select(_ => IntegrityTestRows.Row(seq: 0)).ToList();
        rows[0].UserId = "alice";
        rows[4].IpAddress = "10.0.0.1";
        rows[1].Metadata = """{"b":[1,2.50,{"z":null,"a":"x"}],"a":true}""";
        rows[3].Changes = """[{"property":"Status","old":"a","new":"b"}]""";
        var skipped = new HashSet<Guid> { rows[2].Id };
        var genesis = new byte[AuditEventCanonicalForm.HashLength];

        var head = AuditChainBatch.Prepare(rows).Link((41, genesis), skipped);

        head.Seq.ShouldBe(45);
        var previous = genesis;
        var expectedSeq = 41L;
        foreach (var row in rows.Where(r => !skipped.Contains(r.Id)))
        {
            row.Seq.ShouldBe(++expectedSeq);
            row.Hash.ShouldBe(AuditEventCanonicalForm.Hash(previous, row, new CanonicalWriter()));
            previous = row.Hash!;
        }

        head.Hash.ShouldBe(previous);
        rows[2].Hash.ShouldBeNull();
    }

    [Fact]
    public void The_vectors_chain_from_the_genesis_hash()
    {
        var previous = new byte[32];
        foreach (var vector in Load())
        {
            vector.GetProperty("previous_hash").GetString().ShouldBe(Convert.ToHexStringLower(previous));
            previous = Convert.FromHexString(vector.GetProperty("hash").GetString()!);
        }
    }

    [Fact]
    public void Json_as_jsonb_answers_it_encodes_as_the_text_that_was_stored()
    {
        var vectors = Load().ToList();
        vectors[2].GetProperty("canonical").GetString().ShouldBe(vectors[3].GetProperty("canonical").GetString());
    }

    [Fact]
    public void Erasing_personal_values_keeps_the_canonical_bytes()
    {
        var vectors = Load().ToList();
        var erased = vectors.Single(v => v.GetProperty("name").GetString() == "erased personal fields");
        var before = vectors.Single(v => v.GetProperty("name").GetString()!.StartsWith("before erasure", StringComparison.Ordinal));
        erased.GetProperty("canonical").GetString().ShouldBe(before.GetProperty("canonical").GetString());

        // And from a live row: replace the values by their digests, drop the salt.
        var row = IntegrityTestRows.FromVector(before.GetProperty("event"));
        var canonical = AuditEventCanonicalForm.Encode(row);
        row.PersonalDigests = [0, 12, .. AuditEventCanonicalForm.PersonalDigest(row.Salt, 12, row.UserId!), 0, 25, .. AuditEventCanonicalForm.PersonalDigest(row.Salt, 25, row.IpAddress!)];
        row.UserId = null;
        row.IpAddress = null;
        row.Salt = null;
        AuditEventCanonicalForm.Encode(row).ShouldBe(canonical);
    }

    [Fact]
    public void Values_moved_between_neighbouring_fields_encode_differently()
    {
        var a = IntegrityTestRows.Row(seq: 1);
        a.ResourceType = "ab";
        a.ResourceId = "c";
        var b = IntegrityTestRows.Row(seq: 1);
        b.ResourceType = "a";
        b.ResourceId = "bc";
        b.Id = a.Id;
        b.Salt = a.Salt;

        AuditEventCanonicalForm.Encode(a).ShouldNotBe(AuditEventCanonicalForm.Encode(b));
    }

    [Fact]
    public void Every_stored_column_but_the_chain_bookkeeping_is_in_the_canonical_form()
    {
        var encoded = AuditEventCanonicalForm.Fields.Select(static f => f.Name).ToHashSet(StringComparer.Ordinal);
        var columns = AuditEventColumns.Names.Except(["hash", "salt", "personal_digests"]).Except(AuditEventColumns.Derived);

        columns.Where(c => !encoded.Contains(c)).ShouldBeEmpty("a new column must get a line (and an id) in AuditEventCanonicalForm.Fields");
        AuditEventCanonicalForm.Fields.Select(static f => (int)f.Id).ShouldBe(AuditEventCanonicalForm.Fields.Select(static f => (int)f.Id).Order());
    }

    [Fact]
    public void Derived_columns_are_stored_but_never_hashed()
    {
        var encoded = AuditEventCanonicalForm.Fields.Select(static f => f.Name).ToHashSet(StringComparer.Ordinal);
        AuditEventColumns.Derived.ShouldContain(AuditEventColumns.ActionCanonicalColumn);
        AuditEventColumns.Derived.ShouldAllBe(c => AuditEventColumns.Names.Contains(c) && !encoded.Contains(c));

        var row = AuditEventRow.From("t-derived", new AuditEvent { Id = Guid.CreateVersion7(), Action = "AUTH_LOGIN_FAILED" }, DateTimeOffset.UnixEpoch);
        row.ActionCanonical.ShouldBe(AuditActions.LoginFailed);
        row.Seq = 1;
        row.Salt = new byte[16];
        var bytes = AuditEventCanonicalForm.Encode(row);
        row.ActionCanonical = "SOMETHING_ELSE";
        AuditEventCanonicalForm.Encode(row).ShouldBe(bytes);
        row.ActionCanonical = null;
        AuditEventCanonicalForm.Encode(row).ShouldBe(bytes);
    }

    // Numbers as written in JSON and their one spelling in the canonical form.
    public static TheoryData<string, string> NumberSpellings => new()
    {
        { "100", "1e2" },
        { "1e2", "1e2" },
        { "100.0", "1e2" },
        { "1.50", "15e-1" },
        { "-0", "0" },
        { "0.000", "0" },
        { "-7", "-7e0" },
        { "12345678901234567890123", "12345678901234567890123e0" },
        { "1E-400", "1e-400" },
    };

    [Theory]
    [MemberData(nameof(NumberSpellings))]
    public void Numbers_have_one_spelling(string text, string canonical)
    {
        CanonicalJson.CanonicalNumber(text).ShouldBe(canonical);
    }

    [Theory]
    [MemberData(nameof(NumberSpellings))]
    [InlineData("0", "0")]
    [InlineData("-1200", "-12e2")]
    [InlineData("10000000000000000000000000", "1e25")]
    public void Numbers_in_a_document_encode_in_their_one_spelling(string text, string canonical)
    {
        var writer = new CanonicalWriter();
        CanonicalJson.Write(writer, "[" + text + "]");

        var spelling = System.Text.Encoding.UTF8.GetBytes(canonical);
        byte[] expected = [CanonicalJson.Array, 0, 0, 0, 1, CanonicalJson.Number, 0, 0, 0, (byte)spelling.Length, .. spelling];
        writer.Written.ToArray().ShouldBe(expected);
    }

    [Theory]
    [InlineData("{\"\\u0061\":\"\\u00e9\",\"b\":\"x\"}", "{\"a\":\"\u00e9\",\"b\":\"x\"}")]
    [InlineData("{\"a\\\"b\":1}", "{\"a\\u0022b\":1}")]
    [InlineData("{\"\\u0061\":1,\"a\":2}", "{\"a\":2}")]
    [InlineData("{\"a\":1,\"\\u0061\":2}", "{\"a\":2}")]
    [InlineData("[\"\\ud83d\\ude00\",\"\\n\"]", "[\"\ud83d\ude00\",\"\\u000a\"]")]
    public void Escaped_names_and_strings_encode_as_their_unescaped_text(string escaped, string plain)
    {
        var first = new CanonicalWriter();
        CanonicalJson.Write(first, escaped);
        var second = new CanonicalWriter();
        CanonicalJson.Write(second, plain);

        first.Written.ToArray().ShouldBe(second.Written.ToArray());
    }

    [Fact]
    public void An_escaped_name_and_string_encode_as_their_utf8()
    {
        var writer = new CanonicalWriter();
        CanonicalJson.Write(writer, "{\"\\u0061\":\"\\u00e9\"}");

        byte[] expected = [CanonicalJson.Object, 0, 0, 0, 1, 0, 0, 0, 1, (byte)'a', CanonicalJson.String, 0, 0, 0, 2, 0xC3, 0xA9];
        writer.Written.ToArray().ShouldBe(expected);
    }

    private static IEnumerable<JsonElement> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(s_vectors));
        return [.. document.RootElement.GetProperty("vectors").EnumerateArray().Select(static v => v.Clone())];
    }
}
