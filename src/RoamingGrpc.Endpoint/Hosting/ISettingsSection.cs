namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// A section of the endpoint's settings (<c>Roaming:Charging</c>, ...) that knows its own rules: bound from
/// configuration and checked at start by <see cref="SectionValidator{TOptions}"/>, so that a bad value stops the
/// endpoint before it serves, with one line per problem naming the key.
/// </summary>
internal interface ISettingsSection
{
    /// <summary>The problems of the bound values, each a line naming its key under <paramref name="section"/> (e.g. <c>Roaming:Charging</c>).</summary>
    IEnumerable<string> Problems(string section);
}
