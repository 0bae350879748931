namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// An accessibility check of the console's main pages in headless chromium: every form control has an accessible
/// name, every page has <c>lang</c>, one <c>h1</c> and a <c>main</c> landmark, images carry a text alternative, and
/// the Tab key walks the controls in document order, each with a visible focus indicator.
/// </summary>
public sealed class ConsoleAccessibilityBrowserTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    private const string AttackerIp = "203.0.113.91";

    /// <summary>How many Tab presses are checked per page: the header, then the page's own controls.</summary>
    private const int MaxTabs = 24;

    /// <summary>Tab stops inside one control at most (a <c>datetime-local</c> input has one per field and its picker).</summary>
    private const int MaxStopsPerControl = 8;

    /// <summary>How the focus walk describes no focused element.</summary>
    private const string Body = "- body";

    /// <summary>The page's structural problems, one line each (empty when there are none).</summary>
    private const string StructureScript = """
        () => {
          const problems = [];
          const lang = document.documentElement.getAttribute('lang');
          if (!lang || !lang.trim()) problems.push('<html> has no lang');
          const h1 = document.querySelectorAll('h1').length;
          if (h1 !== 1) problems.push(`${h1} <h1> elements, expected 1`);
          const main = document.querySelectorAll('main, [role=main]').length;
          if (main !== 1) problems.push(`${main} main landmarks, expected 1`);
          const described = el => el.getAttribute('id') || el.getAttribute('name') || el.outerHTML.slice(0, 80);
          const text = s => (s || '').replace(/\s+/g, ' ').trim();
          for (const el of document.querySelectorAll('input, select, textarea')) {
            if (el.type === 'hidden') continue;
            const labelled = Array.from(el.labels || []).some(l => text(l.textContent).length > 0)
              || text(el.getAttribute('aria-label')).length > 0
              || (el.getAttribute('aria-labelledby') || '').split(/\s+/).some(id => id && document.getElementById(id) && text(document.getElementById(id).textContent).length > 0)
              || text(el.getAttribute('title')).length > 0;
            if (!labelled) problems.push(`${el.tagName.toLowerCase()} ${described(el)} has no accessible name`);
          }
          for (const el of document.querySelectorAll('button')) {
            if (!text(el.textContent) && !text(el.getAttribute('aria-label'))) problems.push(`button ${described(el)} has no text`);
          }
          for (const el of document.querySelectorAll('img')) {
            if (!el.hasAttribute('alt')) problems.push(`img ${el.getAttribute('src')} has no alt`);
          }
          for (const el of document.querySelectorAll('svg')) {
            const hidden = el.getAttribute('aria-hidden') === 'true';
            if (!hidden && !el.querySelector('title') && !text(el.getAttribute('aria-label'))) problems.push('svg without a title or aria-label');
          }
          const ids = new Set();
          for (const el of document.querySelectorAll('[id]')) {
            if (ids.has(el.id)) problems.push(`duplicate id ${el.id}`);
            ids.add(el.id);
          }
          for (const el of document.querySelectorAll('[tabindex]')) {
            if (Number(el.getAttribute('tabindex')) > 0) problems.push(`${described(el)} has a positive tabindex`);
          }
          return problems;
        }
        """;

    /// <summary>
    /// The focusable, visible elements in document order, each numbered (in <c>data-tab-stop</c>, so that two
    /// "Revoke…" buttons are told apart) and described as the focus walk describes it.
    /// </summary>
    private const string FocusablesScript = """
        () => Array.from(document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]'))
          .filter(el => el.type !== 'hidden' && !el.disabled && el.getAttribute('tabindex') !== '-1' && el.getClientRects().length > 0)
          .map((el, i) => {
            el.setAttribute('data-tab-stop', String(i));
            return `${i} ${el.tagName.toLowerCase()}#${el.id || el.getAttribute('name') || el.textContent.replace(/\s+/g, ' ').trim()}`;
          })
        """;

    /// <summary>The focused element, described, with whether a focus indicator is drawn on it.</summary>
    private const string FocusedScript = """
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return { name: '- body', visible: false, focusVisible: false };
          const style = getComputedStyle(el);
          const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
          const shadow = style.boxShadow && style.boxShadow !== 'none';
          return {
            name: `${el.getAttribute('data-tab-stop') ?? '-'} ${el.tagName.toLowerCase()}#${el.id || el.getAttribute('name') || el.textContent.replace(/\s+/g, ' ').trim()}`,
            visible: outline || shadow,
            focusVisible: el.matches(':focus-visible'),
          };
        }
        """;

    [Fact]
    public async Task The_sign_in_page_is_labelled_and_keyboard_operable()
    {
        var page = await fixture.NewPageAsync();
        await page.OpenAsync("/console/sign-in");

        var problems = await CheckPageAsync(page, "sign-in", mainControls: ["input#username", "input#password", "button#Sign in"]);

        problems.ShouldBeEmpty(string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task The_main_pages_are_labelled_and_keyboard_operable()
    {
        var (tenant, ingestKey, readKey) = await fixture.Server.CreateTenantAsync();
        var person = ConsoleBrowserFixture.Unique("ada");
        await fixture.CreateConsoleUserAsync(tenant, person, "admin");
        var now = DateTimeOffset.UtcNow;
        var eventId = await fixture.IngestAsync(ingestKey, new
        {
            action = "UPDATE", resource_type = "Customer", resource_id = "c-7", user_id = "victor", timestamp = now.AddMinutes(-5),
            description = "customer city corrected", changes = new object[] { new { property = "City", old = "Lyon", @new = "Paris" } },
        });
        var alertId = await fixture.BruteForceAsync(ingestKey, readKey, "victor", AttackerIp, now);
        var page = await fixture.NewPageAsync();
        await ConsoleBrowserFixture.SignInAsync(page, person);
        await page.WaitForPageAsync($"**/console/{tenant}/events");

        string[] header = ["a#Events", "a#Alerts", "a#Admin", "select#tenant-switcher", "button#Switch", "button#Sign out"];
        var pages = new (string Name, string Path, string[] MainControls)[]
        {
            ("events", $"/console/{tenant}/events", [.. header, "input#q", "input#actor", "input#action", "input#resource", "select#status", "select#severity", "select#range", "input#from", "input#to", "button#Search"]),
            ("event detail", $"/console/{tenant}/events/{eventId}", header),
            ("user", $"/console/{tenant}/users/victor", header),
            ("alerts", $"/console/{tenant}/alerts", [.. header, "select#status", "select#severity", "select#rule"]),
            ("alert", $"/console/{tenant}/alerts/{alertId}", [.. header, "textarea#note"]),
            ("admin keys", $"/console/{tenant}/admin/keys", [.. header, "select#key-role", "input#key-name"]),
        };

        var problems = new List<string>();
        foreach (var (name, path, mainControls) in pages)
        {
            var response = await page.OpenAsync(path);
            response!.Status.ShouldBe(200, path);
            problems.AddRange(await CheckPageAsync(page, name, mainControls));
        }

        problems.ShouldBeEmpty(string.Join(Environment.NewLine, problems));
    }

    /// <summary>The structure and focus problems of the loaded page, each prefixed with <paramref name="name"/>.</summary>
    private static async Task<List<string>> CheckPageAsync(IPage page, string name, string[] mainControls)
    {
        var problems = (await page.EvaluateAsync<string[]>(StructureScript)).Select(p => $"{name}: {p}").ToList();

        // From the top of the page (or its autofocused control), Tab must visit the focusable elements in document
        // order, every one showing a focus indicator, and reach the page's main controls in that order.
        var focusables = await page.EvaluateAsync<string[]>(FocusablesScript);
        var start = await FocusedAsync(page);
        var expected = focusables.SkipWhile(f => start.Name != Body && f != start.Name).Skip(start.Name == Body ? 0 : 1).Take(MaxTabs).ToList();
        var visited = new List<string>();
        var previous = start.Name;
        for (var presses = 0; visited.Count < expected.Count && presses < expected.Count * MaxStopsPerControl; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await FocusedAsync(page);

            // A date-time input has Tab stops of its own (day, month, year, hours, minutes, the picker): one control.
            if (focused.Name == previous)
            {
                continue;
            }

            previous = focused.Name;
            visited.Add(focused.Name);
            if (!focused.Visible || !focused.FocusVisible)
            {
                problems.Add($"{name}: {focused.Name} shows no focus indicator when reached by Tab");
            }
        }

        if (!visited.SequenceEqual(expected))
        {
            problems.Add($"{name}: Tab visited [{string.Join(", ", visited)}], document order is [{string.Join(", ", expected)}]");
        }

        var reached = (start.Name == Body ? visited : [start.Name, .. visited]).Select(static r => r[(r.IndexOf(' ', StringComparison.Ordinal) + 1)..]).ToList();
        var positions = mainControls.Select(c => reached.IndexOf(c)).ToList();
        if (positions.Contains(-1) || !positions.SequenceEqual(positions.Order()))
        {
            problems.Add($"{name}: Tab did not reach [{string.Join(", ", mainControls)}] in order (reached [{string.Join(", ", reached)}])");
        }

        return problems;
    }

    private static async Task<FocusedElement> FocusedAsync(IPage page)
    {
        var focused = await page.EvaluateAsync<JsonElement>(FocusedScript);
        return new FocusedElement(focused.GetProperty("name").GetString()!, focused.GetProperty("visible").GetBoolean(), focused.GetProperty("focusVisible").GetBoolean());
    }

    private sealed record FocusedElement(string Name, bool Visible, bool FocusVisible);
}
