using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// Binds every unary method of <see cref="QdrantGrpcContract"/> to <see cref="QdrantFakeService"/>:
/// the service and method names, request parser and response type come from the descriptors
/// Qdrant.Client ships, so the server speaks exactly the published contract the client was
/// generated from.
/// </summary>
public sealed class QdrantContractMethods : IServiceMethodProvider<QdrantFakeService>
{
    private static readonly MethodInfo AddMethod =
        typeof(QdrantContractMethods).GetMethod(nameof(Add), BindingFlags.NonPublic | BindingFlags.Static)!;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<QdrantFakeService> context)
    {
        foreach (var method in QdrantGrpcContract.UnaryMethods)
        {
            AddMethod.MakeGenericMethod(method.InputType.ClrType, method.OutputType.ClrType).Invoke(null, [context, method]);
        }
    }

    private static void Add<TRequest, TResponse>(ServiceMethodProviderContext<QdrantFakeService> context, MethodDescriptor descriptor)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var requestParser = (MessageParser<TRequest>)descriptor.InputType.Parser;
        var responseParser = (MessageParser<TResponse>)descriptor.OutputType.Parser;
        var method = new Method<TRequest, TResponse>(
            MethodType.Unary,
            descriptor.Service.FullName,
            descriptor.Name,
            Marshallers.Create(request => request.ToByteArray(), requestParser.ParseFrom),
            Marshallers.Create(response => response.ToByteArray(), responseParser.ParseFrom));
        context.AddUnaryMethod(method, [], (service, request, call) => service.HandleAsync<TRequest, TResponse>(descriptor, request, call));
    }
}
