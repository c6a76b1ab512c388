namespace RoamingGrpc.Domain.UseCases;

/// <summary>The twenty use cases of IEC 63119-2, numbered 1..20 in the order of the contract's <c>UseCase</c> enum.</summary>
public static class UseCaseCatalog
{
    /// <summary>Every use case, in order.</summary>
    public static IReadOnlyList<UseCaseInfo> All { get; } =
    [
        new(1, "UC1-1", "Platform authentication"),
        new(2, "UC1-2", "Sites information exchange"),
        new(3, "UC1-3", "Sharing dynamic status of EVSE"),
        new(4, "UC2-1", "Inform CSP on tariff information"),
        new(5, "UC2-2", "CSP requests tariffs from CSO"),
        new(6, "UC3-1", "Start locally at the EVSE"),
        new(7, "UC3-2", "Start remotely from CSP"),
        new(8, "UC3-3", "Start by Plug and Charge"),
        new(9, "UC3-4", "Stop via CSP"),
        new(10, "UC3-5", "Complete a charging service transaction"),
        new(11, "UC3-6", "Collect dynamic charging information"),
        new(12, "UC3-7", "Charge plan exchange"),
        new(13, "UC3-8", "Reservation of an EVSE"),
        new(14, "UC3-9", "SDR information exchange"),
        new(15, "UC3-10", "Update charge plan by CSO"),
        new(16, "UC4-1", "Online identification of the user at a CSO"),
        new(17, "UC4-2", "Pre-distribution for offline identification"),
        new(18, "UC5-1", "Maintenance/operation information"),
        new(19, "UC5-2", "Emergency cable unlocking after charging service activated"),
        new(20, "UC5-3", "Emergency cable unlocking when activation failed"),
    ];

    /// <summary>The use case numbered <paramref name="number"/> (1..20), or null.</summary>
    public static UseCaseInfo? ByNumber(int number) => number is >= 1 and <= 20 ? All[number - 1] : null;

    /// <summary>The use case with this code (<c>UC1-1</c>), or null.</summary>
    public static UseCaseInfo? ByCode(string code) => All.FirstOrDefault(useCase => useCase.Code == code);
}
