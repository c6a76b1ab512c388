using RoamingGrpc.Bench;

// bench/run.sh runs the driver pinned to one core; the driver starts each server (this program with "serve")
// pinned to the other core.
if (args.Length >= 3 && args[0] == "serve")
{
    return await BenchServer.RunAsync(args[1], args[2]).ConfigureAwait(false);
}

var output = args.Length >= 1 ? args[0] : "bench/results.md";
var serverCore = args.Length >= 2 ? args[1] : "0";
return await BenchDriver.RunAsync(output, serverCore).ConfigureAwait(false);
