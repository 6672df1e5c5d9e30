using Google.Protobuf.Reflection;
using Qdrant.Client.Grpc;
using QdrantService = Qdrant.Client.Grpc.Qdrant;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// Qdrant's published gRPC contract, as Qdrant.Client ships it: the descriptors of the services
/// compiled from Qdrant's <c>.proto</c> files of <see cref="Version"/>, with their message types
/// and parsers. The package generates client stubs only, so the fake server is built from these
/// descriptors rather than from generated server bases.
/// </summary>
public static class QdrantGrpcContract
{
    /// <summary>The Qdrant release whose <c>.proto</c> files the package was generated from.</summary>
    public static string Version => QdrantGrpcClient.QdrantVersion;

    /// <summary>The services a Qdrant server offers on its gRPC port.</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
        [Collections.Descriptor, Points.Descriptor, QdrantService.Descriptor, Snapshots.Descriptor];

    /// <summary>Every method of <see cref="Services"/> that takes one request and sends one answer.</summary>
    public static IReadOnlyList<MethodDescriptor> UnaryMethods { get; } =
        [.. Services.SelectMany(service => service.Methods).Where(method => !method.IsClientStreaming && !method.IsServerStreaming)];

    /// <summary><c>Points/Query</c>: the name the fake server records calls under.</summary>
    public static string NameOf(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return $"{method.Service.Name}/{method.Name}";
    }
}
