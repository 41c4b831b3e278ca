namespace NhsCommunity.Tests.Infrastructure;

/// <summary>
/// The one rule for what a test needs from outside the repository (PostgreSQL, PgBouncer, Chromium, pwsh,
/// ../shared): outside CI a missing one skips the test, which says why; under CI=true each is an install
/// step of .ci/run, so a missing one fails the test instead of skipping it.
/// </summary>
public static class Prerequisite
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Returns <paramref name="present"/> for the test's Skip.IfNot; under CI=true a missing prerequisite
    /// throws, failing the test with <paramref name="reason"/>.
    /// </summary>
    public static bool Check(bool present, string reason) =>
        present || !IsCi
            ? present
            : throw new PrerequisiteMissingException(reason);
}

/// <summary>A test's prerequisite is missing where it must not be (CI=true).</summary>
public sealed class PrerequisiteMissingException(string reason)
    : Exception($"CI=true and a prerequisite is missing: {reason}. .ci/run installs it; a skip is not allowed in CI.");
