using System.Diagnostics;
using System.Text.RegularExpressions;
using BenefitProgram.IntegrationTests.Infrastructure;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>
/// "No secret in the repository" (issue 9, part 5): every file git tracks is scanned for what real secrets look like —
/// private keys, live Stripe keys, Stripe webhook secrets outside the test fixtures, cloud and chat tokens. Test fixtures
/// use made-up "whsec_test_..." values; configuration takes real ones from the environment or user secrets.
/// </summary>
public sealed class RepositorySecretScanTests
{
    private sealed record Rule(string Name, Regex Pattern, Func<string, bool> AppliesTo);

    private static bool Anywhere(string path) => true;

    private static bool OutsideTests(string path) => !path.StartsWith("tests/", StringComparison.Ordinal);

    private static readonly Rule[] Rules =
    [
        new("private key", new Regex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----", RegexOptions.Compiled), Anywhere),
        new("Stripe live key", new Regex(@"\b[sr]k_live_[0-9A-Za-z]{8,}", RegexOptions.Compiled), Anywhere),
        new("Stripe webhook secret", new Regex(@"\bwhsec_[0-9A-Za-z]{16,}", RegexOptions.Compiled), OutsideTests),
        new("AWS access key", new Regex(@"\bAKIA[0-9A-Z]{16}\b", RegexOptions.Compiled), Anywhere),
        new("GitHub token", new Regex(@"\bgh[pousr]_[0-9A-Za-z]{36}\b", RegexOptions.Compiled), Anywhere),
        new("Slack token", new Regex(@"\bxox[abpr]-[0-9A-Za-z-]{10,}", RegexOptions.Compiled), Anywhere),
    ];

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BenefitProgram.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BenefitProgram.sln not found above " + AppContext.BaseDirectory);
    }

    private static List<string> TrackedFiles(string root)
    {
        var git = Process.Start(new ProcessStartInfo("git", "ls-files -z") { WorkingDirectory = root, RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [Fact]
    public void No_tracked_file_contains_a_private_key_or_a_real_looking_secret()
    {
        var root = RepositoryRoot();
        var files = TrackedFiles(root);
        var scanned = 0;
        var findings = new List<string>();
        foreach (var path in files)
        {
            var full = Path.Combine(root, path);
            if (!File.Exists(full) || new FileInfo(full).Length > 5_000_000)
            {
                continue;
            }

            var text = File.ReadAllText(full);
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                continue; // binary
            }

            scanned++;
            foreach (var rule in Rules.Where(r => r.AppliesTo(path)))
            {
                foreach (Match match in rule.Pattern.Matches(text))
                {
                    var line = text[..match.Index].Count(c => c == '\n') + 1;
                    findings.Add($"{path}:{line}: {rule.Name}");
                }
            }
        }

        var summary = $"secrets in repository: {scanned} tracked text files scanned with {Rules.Length} rules, {findings.Count} findings";
        TestFigures.Record(summary);
        Assert.True(files.Count > 100, "git ls-files listed too few files");
        Assert.True(findings.Count == 0, summary + "\n" + string.Join("\n", findings));
    }
}
