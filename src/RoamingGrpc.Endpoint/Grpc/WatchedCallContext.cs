using Grpc.AspNetCore.Server;
using Grpc.Core;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>
/// The call's context as a long-lived call's service sees it (<see cref="CallerInterceptor"/>): the framework's own, but
/// with a <see cref="ServerCallContext.CancellationToken"/> that is also cancelled when the caller is refused while the
/// call runs. Every service observes that token already, so each stream ends on a refusal without code of its own.
/// </summary>
internal sealed class WatchedCallContext : ServerCallContext
{
    // grpc-dotnet's GetHttpContext() finds the HttpContext of a context that is not its own under this user state key.
    private const string HttpContextKey = "__HttpContext";

    private readonly ServerCallContext _inner;
    private readonly CancellationToken _cancellationToken;

    public WatchedCallContext(ServerCallContext inner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _cancellationToken = cancellationToken;
        inner.UserState[HttpContextKey] = inner.GetHttpContext();
    }

    protected override string MethodCore => _inner.Method;

    protected override string HostCore => _inner.Host;

    protected override string PeerCore => _inner.Peer;

    protected override DateTime DeadlineCore => _inner.Deadline;

    protected override Metadata RequestHeadersCore => _inner.RequestHeaders;

    protected override CancellationToken CancellationTokenCore => _cancellationToken;

    protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;

    protected override Status StatusCore
    {
        get => _inner.Status;
        set => _inner.Status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => _inner.WriteOptions;
        set => _inner.WriteOptions = value;
    }

    protected override AuthContext AuthContextCore => _inner.AuthContext;

    protected override IDictionary<object, object> UserStateCore => _inner.UserState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => _inner.CreatePropagationToken(options);

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);
}
