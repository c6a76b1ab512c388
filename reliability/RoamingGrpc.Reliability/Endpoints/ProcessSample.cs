using System.Globalization;

namespace RoamingGrpc.Reliability.Endpoints;

/// <summary>What the kernel says about a process now: resident set, threads, open file descriptors (Linux /proc).</summary>
internal sealed record ProcessSample(long ResidentBytes, int Threads, int OpenFiles)
{
    public static ProcessSample Read(int pid)
    {
        long resident = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                resident = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        var files = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        return new ProcessSample(resident, threads, files);
    }
}
