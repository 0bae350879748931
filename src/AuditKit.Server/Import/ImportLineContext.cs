namespace AuditKit.Server.Import;

/// <summary>What a <see cref="IImportLineMapper"/> needs besides the line itself.</summary>
/// <param name="Now">The server's current time: the default timestamp, and the bound of the clock-skew check.</param>
/// <param name="MaxClockSkew">How far ahead of <paramref name="Now"/> a timestamp may be (<c>AuditKit:MaxClockSkew</c>).</param>
/// <param name="DerivedId">The line's deterministic id (<see cref="ImportLineIds"/>), for a line that names none.</param>
internal readonly record struct ImportLineContext(DateTimeOffset Now, TimeSpan MaxClockSkew, Guid DerivedId);
