using Compozy.Cli;

return await CompozyCli.RunAsync(args, CliConsole.System).ConfigureAwait(false);
