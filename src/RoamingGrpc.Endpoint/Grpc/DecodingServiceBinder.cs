using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using RoamingGrpc.Endpoint.Limits;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>
/// Binds the methods of a generated service as gRPC's own binder does (the implementing method as invoker, the
/// attributes of the service class and of the method as endpoint metadata, so <see cref="CallersAttribute"/> is found
/// as before), with one difference: the request decoder answers a message it cannot decode through
/// <see cref="MalformedMessages"/> (INVALID_ARGUMENT), where gRPC would log an error with a stack trace and answer
/// UNKNOWN. The generated marshallers are fixed, and gRPC decodes the request before any interceptor runs.
/// </summary>
internal sealed class DecodingServiceBinder<TService>(ServiceMethodProviderContext<TService> context, Type serviceBase, MalformedMessages malformed) : ServiceBinderBase
    where TService : class
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Bind<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, [typeof(TRequest), typeof(ServerCallContext)]);
        context.AddUnaryMethod(Decoding(method), metadata, invoker);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Bind<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)]);
        context.AddClientStreamingMethod(Decoding(method), metadata, invoker);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Bind<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, [typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
        context.AddServerStreamingMethod(Decoding(method), metadata, invoker);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Bind<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
        context.AddDuplexStreamingMethod(Decoding(method), metadata, invoker);
    }

    private Method<TRequest, TResponse> Decoding<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var decode = method.RequestMarshaller.ContextualDeserializer;
        var messageType = typeof(TRequest).GetProperty(nameof(IMessage.Descriptor), BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is MessageDescriptor descriptor
            ? descriptor.FullName
            : typeof(TRequest).Name;
        var requests = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, payload =>
        {
            try
            {
                return decode(payload);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw malformed.Refuse(method.FullName, messageType, ex);
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, requests, method.ResponseMarshaller);
    }

    private (TDelegate Invoker, List<object> Metadata) Bind<TDelegate>(string name, Type[] parameters)
        where TDelegate : Delegate
    {
        var implementation = Implementation(name, parameters)
            ?? throw new InvalidOperationException($"{typeof(TService)} has no method {name} overriding {serviceBase}.{name}.");
        List<object> metadata = [.. typeof(TService).GetCustomAttributes(inherit: true), .. implementation.GetCustomAttributes(inherit: true)];
        // gRPC calls are POSTs; CORS preflights are accepted as gRPC's binder does (none are configured here).
        metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
        return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), implementation), metadata);
    }

    // The public instance method of that name and signature that overrides the generated base's virtual method (a
    // method that only hides it is skipped, as gRPC's binder does).
    private MethodInfo? Implementation(string name, Type[] parameters)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            var candidate = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, binder: null, types: parameters, modifiers: null);
            if (candidate is null)
            {
                return null;
            }

            if (candidate.IsVirtual && candidate.GetBaseDefinition().DeclaringType == serviceBase)
            {
                return candidate;
            }
        }

        return null;
    }
}
