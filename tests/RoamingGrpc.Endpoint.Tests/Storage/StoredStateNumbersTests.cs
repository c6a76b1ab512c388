using System.Globalization;
using System.Reflection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Reservations;
using RoamingGrpc.Storage.Support;

namespace RoamingGrpc.Endpoint.Tests.Storage;

/// <summary>
/// The state numbers the storage SQL names (Storage does not reference the contracts) are the contract's numbers,
/// constant by constant: each equals the value of the contract enum member of the same name.
/// </summary>
public sealed class StoredStateNumbersTests
{
    // Each class of state constants in Storage, with the contract enum its column holds.
    private static readonly Dictionary<Type, Type> ContractEnumOf = new()
    {
        [typeof(SessionStates)] = typeof(SessionState),
        [typeof(ReservationStates)] = typeof(ReservationState),
        [typeof(MaintenanceNoticeStates)] = typeof(MaintenanceNoticeState),
    };

    /// <summary>Every state constant in Storage, as (class, constant).</summary>
    public static TheoryData<string, string> StateConstants()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in ContractEnumOf.Keys)
        {
            foreach (var constant in Constants(type))
            {
                data.Add(type.Name, constant.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StateConstants))]
    public void StateConstant_ComparedWithTheContractEnum_EqualsTheMemberOfTheSameName(string className, string constantName)
    {
        var type = ContractEnumOf.Keys.Single(type => type.Name == className);
        var stored = (long)Constants(type).Single(constant => constant.Name == constantName).GetRawConstantValue()!;

        Assert.True(Enum.TryParse(ContractEnumOf[type], constantName, ignoreCase: false, out var contract), $"{ContractEnumOf[type].Name} has no member {constantName}");
        Assert.Equal(Convert.ToInt64(contract, CultureInfo.InvariantCulture), stored);
    }

    [Fact]
    public void StateConstants_SessionReservationMaintenance_AreTheContractNumbers()
    {
        // The same facts spelled out, so that a reader sees the numbers the SQL compares with.
        Assert.Equal((long)SessionState.Pending, SessionStates.Pending);
        Assert.Equal((long)SessionState.Active, SessionStates.Active);
        Assert.Equal((long)SessionState.Reserved, SessionStates.Reserved);
        Assert.Equal((long)ReservationState.Pending, ReservationStates.Pending);
        Assert.Equal((long)ReservationState.Active, ReservationStates.Active);
        Assert.Equal((long)MaintenanceNoticeState.Scheduled, MaintenanceNoticeStates.Scheduled);
        Assert.Equal((long)MaintenanceNoticeState.Active, MaintenanceNoticeStates.Active);
    }

    [Fact]
    public void StorageAssembly_EveryStatesClass_IsComparedWithItsContractEnum()
    {
        // A class of state constants added to Storage without a line above would go unchecked.
        var statesClasses = typeof(IDatabase).Assembly.GetTypes()
            .Where(type => type is { IsAbstract: true, IsSealed: true } && type.Name.EndsWith("States", StringComparison.Ordinal))
            .OrderBy(type => type.FullName, StringComparer.Ordinal);

        Assert.Equal(ContractEnumOf.Keys.OrderBy(type => type.FullName, StringComparer.Ordinal), statesClasses);
        Assert.All(ContractEnumOf.Keys, type => Assert.NotEmpty(Constants(type)));
    }

    private static IEnumerable<FieldInfo> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(field => field.IsLiteral);
}
