using System.Runtime.InteropServices;

namespace NhsCommunity.Workbooks;

/// <summary>
/// Gives the C library's freed heap pages back to the system (glibc's malloc_trim). Each workbook inflates its
/// parts with zlib and JIT-compiles on whichever pool threads read it; glibc keeps a heap per thread and keeps
/// what is freed in it, so over a long import the process's memory crept up with the number of files, not with
/// what it holds. Trimming after each file keeps it flat. Nothing happens where there is no glibc (Windows,
/// macOS, musl): the first failed call turns it off.
/// </summary>
internal static class FreedNativeMemory
{
    private static bool _available = OperatingSystem.IsLinux();

    public static void Release()
    {
        if (!_available)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _available = false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
#pragma warning disable SYSLIB1054 // One blittable argument: the classic marshalling adds nothing.
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
