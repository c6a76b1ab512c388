using Microsoft.Extensions.Logging.Abstractions;
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

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
}
