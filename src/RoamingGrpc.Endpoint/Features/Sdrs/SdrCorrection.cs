using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Features.Sdrs;

/// <summary>The three SDRs of a correction: the disputed one marked CORRECTED, its credit, and the SDR that replaces it.</summary>
internal sealed record SdrCorrection(Sdr Original, Sdr Credit, Sdr Corrected);
