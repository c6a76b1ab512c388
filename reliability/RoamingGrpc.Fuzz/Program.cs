using RoamingGrpc.Fuzz;
using RoamingGrpc.Fuzz.Requests;
using RoamingGrpc.Fuzz.Seeds;
using SharpFuzz;

// RoamingGrpc.Fuzz <target>                      one input from stdin; under afl-fuzz, the fork server (out of process)
// RoamingGrpc.Fuzz <target> --replay <path>...   every file (or file of a folder): its outcome, exit 1 on a crash
// RoamingGrpc.Fuzz seed <corpus folder> <examples folder>   writes the seed corpora
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine($"usage: RoamingGrpc.Fuzz <target> [--replay <file or folder>...] | seed <corpus folder> <examples folder>; targets: {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}

// Instrumented code records its path in SharpFuzz's trace map, which SharpFuzz points at afl-fuzz's shared memory only
// when the fuzzing loop starts: a map of our own lets the targets start before that, and lets --replay run the
// instrumented build outside afl-fuzz.
TraceMap.Provide();
await using var targets = new FuzzTargets();
if (args[0] == "seed" && args.Length == 3)
{
    var rpcs = ((RequestTarget)await targets.CreateAsync("requests")).Methods;
    var count = 0;
    foreach (var (target, name, input) in SeedCorpus.All(rpcs, args[2]))
    {
        var folder = Path.Combine(args[1], target);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, name), input);
        count++;
    }

    Console.WriteLine($"{count} seeds written under {args[1]}");
    return 0;
}

if (args.Length > 1 && args[1] == "--replay")
{
    var target = await targets.CreateAsync(args[0]);
    var crashes = 0;
    foreach (var file in args.Skip(2).SelectMany(path => Directory.Exists(path) ? Directory.EnumerateFiles(path).Order(StringComparer.Ordinal) : (IEnumerable<string>)[path]))
    {
        try
        {
            Console.WriteLine($"{file}: {target.Run(await File.ReadAllBytesAsync(file))}");
        }
        catch (Exception ex)
        {
            crashes++;
            Console.WriteLine($"{file}: CRASH {ex}");
        }
    }

    return crashes == 0 ? 0 : 1;
}

// Under afl-fuzz, SharpFuzz's fork server runs this program twice: a parent that only relays (started by afl-fuzz) and a
// child that runs the inputs (started by the parent, with the control pipe in its environment). Only the child starts the
// target: the parent must not bind ports or create databases it never uses.
var isParent = Environment.GetEnvironmentVariable("__AFL_SHM_ID") is not null && Environment.GetEnvironmentVariable("__SHARPFUZZ_CTL") is null;
var fuzzed = isParent ? null : await targets.CreateAsync(args[0]);
Fuzzer.OutOfProcess.Run(stream =>
{
    using var input = new MemoryStream();
    stream.CopyTo(input);
    fuzzed!.Run(input.ToArray());
});
return 0;
