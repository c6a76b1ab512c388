using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Limits;

/// <summary>
/// gRPC calls written by hand over HTTP/2 with a partner's client certificate, for requests a generated client cannot
/// make: bodies that hang or trickle in. Trusts the test CA only, as a partner would.
/// </summary>
public sealed class RawGrpcClient : IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly HttpClient _http;

    public RawGrpcClient(TwoEndpoints endpoints, string certificateDirectory, RunningEndpoint target)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(target);
        _certificate = X509Certificate2.CreateFromPemFile(Path.Combine(certificateDirectory, "cert.pem"), Path.Combine(certificateDirectory, "key.pem"));
        var ca = endpoints.Pki.Ca.Certificate;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [_certificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 leaf && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && chain.Build(leaf);
                },
            },
        };
        _http = new HttpClient(handler) { BaseAddress = target.Url, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Starts a call of <paramref name="method"/> (<c>/package.Service/Method</c>); returns once the response headers arrived.</summary>
    public Task<HttpResponseMessage> CallAsync(string method, HttpContent body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(method, UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>The gRPC status of a finished response: its code and the <c>google.rpc.Status</c> details, if any.</summary>
    public static async Task<(StatusCode Code, Google.Rpc.Status? Details)> StatusOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await response.Content.ReadAsByteArrayAsync(cancellationToken); // to the trailers
        var headers = response.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : response.Headers;
        var code = (StatusCode)int.Parse(headers.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture);
        if (!headers.TryGetValues("grpc-status-details-bin", out var details))
        {
            return (code, null);
        }

        var text = details.Single();
        var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        return (code, Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(padded)));
    }

    public void Dispose()
    {
        _http.Dispose();
        _certificate.Dispose();
    }
}
