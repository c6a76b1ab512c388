using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Tests.Security;

public sealed class RevocationListTests : IDisposable
{
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("roaming-crl-").FullName, "revoked.txt");

    public RevocationListTests() => File.WriteAllText(_file, string.Empty);

    [Fact]
    public void Create_ConfiguredFileMissing_RefusesToStartNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RevocationList(_file + ".typo", NullLogger<RevocationList>.Instance));

        Assert.Contains("Roaming:RevocationFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsRevoked_FileChangedWhileRunning_NewListAppliesOnNextCheck()
    {
        var list = new RevocationList(_file, NullLogger<RevocationList>.Instance);
        Assert.False(list.IsRevoked("0A1B"));

        File.WriteAllText(_file, "# operator list\n0a:1b   # a comment\n");
        Assert.True(list.IsRevoked("0A1B"));
        Assert.True(list.IsRevoked("000a1b"));

        File.WriteAllText(_file, "FF\n");
        Assert.False(list.IsRevoked("0A1B"));
        Assert.True(list.IsRevoked("ff"));
    }

    [Fact]
    public void IsRevoked_FileWithBadLine_KeepsPreviousList()
    {
        var list = new RevocationList(_file, NullLogger<RevocationList>.Instance);
        File.WriteAllText(_file, "0A1B\n");
        Assert.True(list.IsRevoked("0A1B"));

        File.WriteAllText(_file, "0A1B\nnot-a-serial\n0C\n");

        Assert.True(list.IsRevoked("0A1B"));
        Assert.False(list.IsRevoked("0C"));
    }

    [Fact]
    public void GetChangeToken_FileChangedWhileWatched_FiresOnTheNextPollOnlyForAReadableNewList()
    {
        var poll = new FakeTimeProvider();
        using var list = new RevocationList(_file, NullLogger<RevocationList>.Instance, poll);
        var unchanged = list.GetChangeToken();
        poll.Advance(RevocationList.PollInterval);
        Assert.False(unchanged.HasChanged, "the file did not change");

        File.WriteAllText(_file, "0A1B\n");
        Assert.False(unchanged.HasChanged, "nobody looked yet");
        poll.Advance(RevocationList.PollInterval);

        Assert.True(unchanged.HasChanged);
        Assert.True(list.IsRevoked("0A1B"));
        var next = list.GetChangeToken();
        File.WriteAllText(_file, "0A1B\nnot-a-serial\n");
        poll.Advance(RevocationList.PollInterval);
        Assert.False(next.HasChanged, "a malformed file keeps the list in force: nothing changed");
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
}
