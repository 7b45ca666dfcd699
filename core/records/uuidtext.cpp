#include "uuidtext.h"

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace tt {

bool canonicalUuidBytes(QStringView text, unsigned char out[16])
{
    if (text.size() != 36)
        return false;
    const char16_t *s = text.utf16();
    if (s[8] != u'-' || s[13] != u'-' || s[18] != u'-' || s[23] != u'-')
        return false;
    // The 32 digits side by side.
    char16_t d[32];
    std::memcpy(d, s, 8 * 2);
    std::memcpy(d + 8, s + 9, 4 * 2);
    std::memcpy(d + 12, s + 14, 4 * 2);
    std::memcpy(d + 16, s + 19, 4 * 2);
    std::memcpy(d + 20, s + 24, 12 * 2);
#ifdef __SSE2__
    // 16 digits a step, without a branch per character (digits and letters come at random): narrowed to bytes
    // (anything above 0xFF saturates to 0xFF, not a digit), each byte to its value, then two values to a byte.
    for (int half = 0; half < 2; ++half) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(d + 16 * half));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(d + 16 * half + 8));
        const __m128i c = _mm_packus_epi16(a, b);
        // signed compares: bytes >= 0x80 are negative, below '0'
        const __m128i isDigit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
                                              _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), c));
        const __m128i isLetter = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('a' - 1)),
                                               _mm_cmpgt_epi8(_mm_set1_epi8('f' + 1), c));
        if (_mm_movemask_epi8(_mm_or_si128(isDigit, isLetter)) != 0xFFFF)
            return false;
        const __m128i val = _mm_or_si128(_mm_and_si128(isDigit, _mm_sub_epi8(c, _mm_set1_epi8('0'))),
                                         _mm_and_si128(isLetter, _mm_sub_epi8(c, _mm_set1_epi8('a' - 10))));
        // each 16-bit lane holds a digit (low byte) and the next one (high byte): first * 16 + second
        const __m128i first = _mm_and_si128(val, _mm_set1_epi16(0x00FF));
        const __m128i second = _mm_srli_epi16(val, 8);
        const __m128i bytes = _mm_packus_epi16(_mm_or_si128(_mm_slli_epi16(first, 4), second), _mm_setzero_si128());
        std::memcpy(out + 8 * half, &bytes, 8);
    }
    return true;
#else
    for (int k = 0; k < 16; ++k) {
        unsigned v = 0;
        for (const char16_t c : {d[2 * k], d[2 * k + 1]}) {
            if (c >= u'0' && c <= u'9')
                v = v << 4 | unsigned(c - u'0');
            else if (c >= u'a' && c <= u'f')
                v = v << 4 | unsigned(c - u'a' + 10);
            else
                return false;
        }
        out[k] = static_cast<unsigned char>(v);
    }
    return true;
#endif
}

} // namespace tt
