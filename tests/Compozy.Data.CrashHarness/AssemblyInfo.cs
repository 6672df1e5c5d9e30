[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Compozy.Data.IntegrationTests")]
