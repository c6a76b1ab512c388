using RoamingGrpc.Cli;

return await RoamingCommandLine.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
