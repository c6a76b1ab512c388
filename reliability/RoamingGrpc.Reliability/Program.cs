using RoamingGrpc.Reliability;

return await ReliabilityCommandLine.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
