namespace RoamingGrpc.Cli.Demo;

/// <summary>The demo's readable trace: sections, lines, and checks that make up the final summary and exit code.</summary>
internal sealed class DemoTrace(TextWriter output)
{
    private readonly List<(string Step, bool Ok)> _summary = [];

    /// <summary>The checks so far, in order.</summary>
    public IReadOnlyList<(string Step, bool Ok)> Summary => _summary;

    /// <summary>Records a check and prints its outcome.</summary>
    public void Check(string step, bool ok)
    {
        _summary.Add((step, ok));
        Line(ok ? $"=> {step}: OK" : $"=> {step}: FAILED");
    }

    /// <summary>Starts a section.</summary>
    public void Section(string title)
    {
        lock (output)
        {
            output.WriteLine();
            output.WriteLine($"== {title}");
        }
    }

    /// <summary>Prints one line of the trace.</summary>
    public void Line(string text)
    {
        lock (output)
        {
            output.WriteLine($"   {text}");
        }
    }
}
