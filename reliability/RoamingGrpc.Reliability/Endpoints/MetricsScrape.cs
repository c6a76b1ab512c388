using System.Globalization;

namespace RoamingGrpc.Reliability.Endpoints;

/// <summary>
/// One scrape of an endpoint's Prometheus endpoint (<c>GET /metrics</c> on its metrics port), what an operator's
/// collector sees: the samples by metric name and labels.
/// </summary>
internal sealed class MetricsScrape
{
    private readonly List<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> _samples;

    private MetricsScrape(List<(string, IReadOnlyDictionary<string, string>, double)> samples) => _samples = samples;

    public static async Task<MetricsScrape> ReadAsync(HttpClient http, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), cancellationToken).ConfigureAwait(false);
        return Parse(text);
    }

    /// <summary>Parses the Prometheus text format (comments skipped; timestamps, if any, ignored).</summary>
    public static MetricsScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<(string, IReadOnlyDictionary<string, string>, double)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string name;
            string rest;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (brace >= 0 && (space < 0 || brace < space))
            {
                name = line[..brace];
                var end = line.LastIndexOf('}');
                ParseLabels(line[(brace + 1)..end], labels);
                rest = line[(end + 1)..].Trim();
            }
            else
            {
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }

            var valueText = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            var value = valueText switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add((name, labels, value));
        }

        return new MetricsScrape(samples);
    }

    /// <summary>The samples of <paramref name="name"/> whose labels include every pair of <paramref name="labels"/>.</summary>
    public IEnumerable<double> Values(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(sample => sample.Name == name && labels.All(label => sample.Labels.TryGetValue(label.Key, out var value) && value == label.Value))
            .Select(sample => sample.Value);

    /// <summary>The samples of <paramref name="name"/> with their labels.</summary>
    public IEnumerable<(IReadOnlyDictionary<string, string> Labels, double Value)> Samples(string name) =>
        _samples.Where(sample => sample.Name == name).Select(sample => (sample.Labels, sample.Value));

    /// <summary>The sum of the samples of <paramref name="name"/> matching <paramref name="labels"/>; null when none.</summary>
    public double? Sum(string name, params (string Key, string Value)[] labels)
    {
        var values = Values(name, labels).ToList();
        return values.Count == 0 ? null : values.Sum();
    }

    private static void ParseLabels(string text, Dictionary<string, string> labels)
    {
        var i = 0;
        while (i < text.Length)
        {
            var equals = text.IndexOf('=', i);
            if (equals < 0)
            {
                return;
            }

            var key = text[i..equals].Trim().TrimStart(',').Trim();
            var value = new System.Text.StringBuilder();
            var j = equals + 2; // after ="
            while (j < text.Length && text[j] != '"')
            {
                if (text[j] == '\\' && j + 1 < text.Length)
                {
                    j++;
                    value.Append(text[j] == 'n' ? '\n' : text[j]);
                }
                else
                {
                    value.Append(text[j]);
                }

                j++;
            }

            labels[key] = value.ToString();
            i = j + 1;
        }
    }
}
