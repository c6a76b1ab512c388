using System.Runtime.InteropServices;

namespace RoamingGrpc.Fuzz;

/// <summary>
/// SharpFuzz's trace map (<c>SharpFuzz.Common.Trace.SharedMem</c>): every instrumented branch writes to it, and it is
/// null until SharpFuzz attaches afl-fuzz's shared memory at the start of its loop. Instrumented assemblies run before
/// that (a target starting its endpoints) or without afl-fuzz (<c>--replay</c> of the instrumented build) would write
/// through a null pointer; <see cref="Provide"/> gives them a map of their own, which SharpFuzz replaces when it attaches.
/// </summary>
internal static class TraceMap
{
    /// <summary>The size of SharpFuzz's map (AFL's 64 KiB).</summary>
    public const int Size = 1 << 16;

    public static unsafe void Provide()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null)
        {
            SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(Size); // for the process's life
        }
    }
}
