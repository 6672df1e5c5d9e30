using Compozy.Data.Configuration;
using Compozy.Data.Providers;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Tests.Providers;

public sealed class DatabaseProviderContractTests
{
    [Fact]
    public void A_provider_that_leaves_out_required_services_is_refused_when_the_services_are_composed_naming_each()
    {
        var provider = new PartialProvider();

        var error = Should.Throw<InvalidOperationException>(() =>
            new ServiceCollection().AddCompozyData(new CompozyDataOptions(), provider, []));

        error.Message.ShouldContain("the database provider 'partial' did not register");
        error.Message.ShouldNotContain(typeof(IDatabaseWriter).FullName!);
        foreach (var missing in DatabaseProviderContract.RequiredServices.Keys.Where(type => type != typeof(IDatabaseWriter)))
        {
            error.Message.ShouldContain(missing.FullName!);
        }
    }

    private sealed class PartialProvider : IConfiguredDatabaseProvider
    {
        public string Driver => "partial";

        public string Description => "a provider that registers only a writer";

        public void AddServices(IServiceCollection services) =>
            services.AddSingleton<IDatabaseWriter>(_ => throw new NotSupportedException("never resolved"));
    }
}
