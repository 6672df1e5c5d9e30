using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>The writer's server process is killed in the middle of a write, before COMMIT.</summary>
public sealed class BackendTerminationTests
{
    /// <summary>A hang detector, far above the second or so the retry takes.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_write_whose_backend_is_terminated_mid_operation_is_run_again_and_its_row_is_stored_once()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Postgres, "terminate_backend")).MigrateAsync();
        var id = NewId("wf");
        var backends = new List<int>();

        var written = await db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(Workflow(id));
            await context.SaveChangesAsync(token);
            var backend = await context.Database.SqlQuery<int>($"SELECT pg_backend_pid() AS \"Value\"").SingleAsync(token);
            backends.Add(backend);
            if (backends.Count == 1)
            {
                // The row is inserted but not committed; waiting for the backend to exit makes the
                // next statement on this connection fail for certain, not by a race.
                (await TerminateAsync(db.Location, backend, token)).ShouldBeTrue("the writer's backend was terminated");
            }

            return id;
        }).WaitAsync(Bound);

        written.ShouldBe(id);
        backends.Count.ShouldBe(2, "the delegate ran once more after its backend died");
        backends[1].ShouldNotBe(backends[0], "the retry ran on a new server process");
        await using var context = await db.Contexts.CreateDbContextAsync();
        (await context.WorkflowStates.CountAsync(state => state.WorkflowExecId == id)).ShouldBe(1);
    }

    private static async Task<bool> TerminateAsync(string connectionString, int backend, CancellationToken cancellationToken)
    {
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync(cancellationToken);
        await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1, 10000)", admin) { Parameters = { new NpgsqlParameter { Value = backend } } };
        return (bool)(await terminate.ExecuteScalarAsync(cancellationToken))!;
    }
}
