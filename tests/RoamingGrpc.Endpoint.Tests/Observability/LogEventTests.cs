using System.Reflection;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Tests.Observability;

/// <summary>Every log event of every project has its own id, named in the one registry (<see cref="LogEvents"/>).</summary>
public sealed class LogEventTests
{
    private static readonly Assembly[] Products =
    [
        typeof(LogEvents).Assembly, // storage
        typeof(RoamingGrpc.Endpoint.Hosting.RoamingEndpointHost).Assembly,
        typeof(RoamingGrpc.Cli.RoamingCommandLine).Assembly,
    ];

    [Fact]
    public void LoggerMessages_EveryProject_EachIdUsedOnceAndNamedInTheRegistry()
    {
        var registered = RegistryIds();
        var used = Products
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: $"{method.DeclaringType!.FullName}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(pair => pair.Attribute is not null)
            .Select(pair => (pair.Method, pair.Attribute!.EventId))
            .ToList();

        Assert.True(used.Count >= 40, $"found only {used.Count} log messages: the scan misses some");
        var reused = used.GroupBy(entry => entry.EventId).Where(group => group.Count() > 1).Select(group => $"{group.Key}: {string.Join(", ", group.Select(entry => entry.Method))}").ToList();
        Assert.True(reused.Count == 0, "event ids used by more than one log message: " + string.Join("; ", reused));
        var unregistered = used.Where(entry => !registered.ContainsKey(entry.EventId)).Select(entry => $"{entry.EventId} ({entry.Method})").ToList();
        Assert.True(unregistered.Count == 0, "event ids not named in LogEvents: " + string.Join(", ", unregistered));
    }

    [Fact]
    public void Registry_EveryName_OwnId()
    {
        var duplicates = RegistryIds().Where(pair => pair.Value.Count > 1).Select(pair => $"{pair.Key}: {string.Join(", ", pair.Value)}").ToList();

        Assert.True(duplicates.Count == 0, "LogEvents gives one id several names: " + string.Join("; ", duplicates));
    }

    private static Dictionary<int, List<string>> RegistryIds() =>
        typeof(LogEvents).GetNestedTypes()
            .SelectMany(area => area.GetFields(BindingFlags.Public | BindingFlags.Static).Where(field => field.IsLiteral).Select(field => (Name: $"{area.Name}.{field.Name}", Id: (int)field.GetRawConstantValue()!)))
            .GroupBy(entry => entry.Id)
            .ToDictionary(group => group.Key, group => group.Select(entry => entry.Name).ToList());
}
