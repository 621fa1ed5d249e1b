/* A stand-in for Windows' bcryptprimitives.dll, for running sen.exe and its tests under
 * Wine 8 only (never shipped: real Windows has the DLL). Rust 1.78+ asks ProcessPrng for
 * random bytes (HashMap seeds); Wine 8 does not have it. This forwards to RtlGenRandom
 * (advapi32's SystemFunction036), which Wine does have. Built by dist/wine.sh with mingw. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
