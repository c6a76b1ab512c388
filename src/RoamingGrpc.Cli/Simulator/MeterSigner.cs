using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Simulator;

/// <summary>
/// A simulated calibrated meter (German Eichrecht style) that signs its readings in the OCMF format
/// (<c>OCMF|{payload}|{signature}</c>) with its own ECDSA P-256 key, so SDRs carry signed meter data that a
/// transparency tool can verify against the meter's public key.
/// </summary>
internal sealed class MeterSigner : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The meter's public key, hex of its DER SubjectPublicKeyInfo.</summary>
    public string PublicKeyHex => Convert.ToHexString(_key.ExportSubjectPublicKeyInfo());

    /// <summary>Signed start and end readings of a session.</summary>
    public SignedMeterData Sign(string sessionId, string evseId, (DateTimeOffset Time, double EnergyKwh) start, (DateTimeOffset Time, double EnergyKwh) end) => new()
    {
        Format = "OCMF",
        FormatVersion = "1.0",
        PublicKey = PublicKeyHex,
        SignedValues = { Reading("Start", sessionId, evseId, start, "B"), Reading("End", sessionId, evseId, end, "E") },
    };

    /// <summary>True when <paramref name="signedData"/> is an OCMF string this meter signed.</summary>
    public bool Verify(string signedData)
    {
        var parts = signedData.Split('|');
        if (parts.Length != 3 || parts[0] != "OCMF")
        {
            return false;
        }

        using var signature = JsonDocument.Parse(parts[2]);
        var bytes = Convert.FromHexString(signature.RootElement.GetProperty("SD").GetString() ?? string.Empty);
        return _key.VerifyData(System.Text.Encoding.UTF8.GetBytes(parts[1]), bytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public void Dispose() => _key.Dispose();

    private SignedMeterValue Reading(string nature, string sessionId, string evseId, (DateTimeOffset Time, double EnergyKwh) reading, string type)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["FV"] = "1.0",
            ["GI"] = "RoamingGrpc simulated meter",
            ["IS"] = true,
            ["CI"] = evseId,
            ["TT"] = sessionId,
            ["RD"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["TM"] = reading.Time.ToString("yyyy-MM-dd'T'HH:mm:ss,fffzz00 'S'", CultureInfo.InvariantCulture),
                    ["TX"] = type,
                    ["RV"] = Math.Round(reading.EnergyKwh, 3),
                    ["RI"] = "1-b:1.8.0",
                    ["RU"] = "kWh",
                    ["ST"] = "G",
                },
            },
        });
        var signature = _key.SignData(System.Text.Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var signed = $"OCMF|{payload}|{{\"SA\":\"ECDSA-secp256r1-SHA256\",\"SD\":\"{Convert.ToHexString(signature)}\"}}";
        return new SignedMeterValue
        {
            Nature = nature,
            PlainData = string.Create(CultureInfo.InvariantCulture, $"{reading.Time:O} {reading.EnergyKwh:0.000} kWh"),
            SignedData = signed,
        };
    }
}
