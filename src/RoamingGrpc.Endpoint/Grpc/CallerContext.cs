using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>The authenticated caller of the current call, as established by <see cref="CallerInterceptor"/>.</summary>
internal static class CallerContext
{
    internal const string ItemKey = "roaming.caller";

    /// <summary>The caller's role and party, proven by its certificate.</summary>
    public static PartyIdentity Caller(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetHttpContext().Items[ItemKey] as PartyIdentity
            ?? throw new InvalidOperationException("The call was not authorized by CallerInterceptor.");
    }

    /// <summary>The client certificate the caller proved its identity with (validated by <see cref="CallerInterceptor"/>).</summary>
    public static X509Certificate2? CallerCertificate(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetHttpContext().Connection.ClientCertificate;
    }
}
