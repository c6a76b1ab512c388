using System.Diagnostics;
using RoamingGrpc.Fuzz;

namespace RoamingGrpc.Endpoint.Tests.Reliability;

/// <summary>
/// The fuzzing suite's kept inputs as regression tests: every file of <c>reliability/fuzz/corpus/&lt;target&gt;</c> (seeds
/// and what afl-fuzz found, minimized) and <c>reliability/fuzz/regressions/&lt;target&gt;</c> (crashes found, minimized)
/// runs through the same target function afl-fuzz ran, and must end as the target's contract says: accepted, or refused
/// with the typed error for bad input. Any other exception or broken invariant fails the test with the file's name.
/// </summary>
public sealed class FuzzCorpusReplayTests(ITestOutputHelper output)
{
    private static readonly string[] Kept = ["corpus", "regressions"];

    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task KeptInputs_ReplayedThroughTheirTarget_EndAsTheContractSays(string name)
    {
        var files = Kept
            .Select(kind => Path.Combine(RepositoryRoot(), "reliability", "fuzz", kind, name))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            .ToList();
        Assert.NotEmpty(files); // every target has its seed corpus

        var watch = Stopwatch.StartNew();
        await using var targets = new FuzzTargets();
        var target = await targets.CreateAsync(name).WaitAsync(TimeSpan.FromSeconds(60));
        var failures = new List<string>();
        var accepted = 0;
        await Task.Run(() =>
        {
            foreach (var file in files)
            {
                try
                {
                    accepted += target.Run(File.ReadAllBytes(file)).Accepted ? 1 : 0;
                }
                catch (Exception ex)
                {
                    failures.Add($"{Path.GetRelativePath(RepositoryRoot(), file)}: {ex}");
                }
            }
        }).WaitAsync(TimeSpan.FromSeconds(120));

        output.WriteLine($"{name}: {files.Count} input(s), {accepted} accepted, {files.Count - accepted - failures.Count} refused, {failures.Count} outside the contract, in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RoamingGrpc.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No RoamingGrpc.sln above {AppContext.BaseDirectory}.");
    }
}
