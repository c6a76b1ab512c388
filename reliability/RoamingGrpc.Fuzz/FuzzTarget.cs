namespace RoamingGrpc.Fuzz;

/// <summary>
/// One fuzz target: any input must end in success or in the typed refusal the product gives for bad input (a
/// <c>RoamingException</c>, an identifier's typed parse error, <c>InvalidProtocolBufferException</c> for bytes that
/// are not protobuf). <see cref="Run"/> returns how the input ended in those cases; every other exception escapes and
/// is a crash (afl-fuzz records the input), as is a broken invariant (<see cref="ContractViolationException"/>).
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>The name on the command line and the corpus folder: <c>reliability/fuzz/corpus/&lt;name&gt;</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Runs one input.</summary>
    public abstract FuzzOutcome Run(ReadOnlySpan<byte> input);
}
