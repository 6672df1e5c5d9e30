using System.CommandLine;
using System.Text.Json;
using Compozy.Cli.Configuration;
using Compozy.Data.Audit;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Migrations;
using Compozy.Data.Stores.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Compozy.Cli.Commands;

/// <summary><c>compozy auth bootstrap</c>: the first admin and its API key.</summary>
internal static class AuthCommand
{
    public static Command Create(CliConsole console, ConfigurationFlags flags)
    {
        var auth = new Command("auth", "Manage API access.");
        auth.Subcommands.Add(CreateBootstrap(console, flags));
        return auth;
    }

    private static Command CreateBootstrap(CliConsole console, ConfigurationFlags flags)
    {
        var email = new Option<string>("--email") { Description = $"Email of the first admin ({EmailAddress.Rule}).", Required = true };

        // Checked while parsing, so a bad address is refused before any file or connection exists.
        email.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && !EmailAddress.TryNormalize(value, out _))
            {
                result.AddError($"--email: {JsonSerializer.Serialize(value, CliJson.Options)} is not an email address; allowed: {EmailAddress.Rule}");
            }
        });
        var bootstrap = new Command(
            "bootstrap",
            "Create the first admin and an API key for it, printed once as the last line of standard output. Refused once an admin exists.")
        {
            email,
        };
        bootstrap.SetAction((parseResult, cancellationToken) =>
        {
            var audit = new CliAudit(AuditActions.AuthBootstrap);
            return DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Write, async (services, loaded, token) =>
        {
            var migrations = services.GetRequiredService<MigrationRunner>();
            if (services.GetRequiredService<IOptions<Compozy.Data.Configuration.CompozyDataOptions>>().Value.Database.AutoMigrate)
            {
                await migrations.UpAsync(cancellationToken: token).ConfigureAwait(false);
            }
            else
            {
                var status = await migrations.GetStatusAsync(token).ConfigureAwait(false);
                NewerSchemaException.ThrowIfAny(status);
                if (!status.IsCurrent)
                {
                    await console.Error.WriteLineAsync(
                        $"compozy: {status.Pending.Count} {(status.Pending.Count == 1 ? "migration is" : "migrations are")} pending and database.auto_migrate is false; run compozy migrate up first").ConfigureAwait(false);
                    return ExitCodes.SchemaNotCurrent;
                }
            }

            IssuedApiKey issued;
            try
            {
                issued = await services.GetRequiredService<IAuthStore>().CreateInitialAdminIfNoneAsync(parseResult.GetValue(email)!, token).ConfigureAwait(false);
            }
            catch (CompozyDataException exception) when (exception.Kind == DbErrorKind.Conflict)
            {
                (audit.Outcome, audit.Reason) = (AuditOutcome.Refused, exception.Message);
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            audit.Target = issued.User.Id;
            audit.Details["email"] = issued.User.Email;
            audit.Details["api_key_id"] = issued.Key.Id;
            await console.Out.WriteLineAsync($"created admin {issued.User.Email} (user {issued.User.Id}) on {loaded.Provider.Description}").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"API key {issued.Key.Prefix}... (id {issued.Key.Id}); it is shown once, below: store it now").ConfigureAwait(false);
            await console.Out.WriteLineAsync(issued.Secret).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken, audit);
        });
        return bootstrap;
    }
}
