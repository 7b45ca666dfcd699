#include "sheets/csvreader.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

#include <array>
#include <cstring>
#include <memory>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#ifdef Q_OS_UNIX
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::CsvReader", text);
}

// Spreadsheet column letters for a 0-based column: 0 -> A, 26 -> AA.
QString columnLetters(int index)
{
    QString name;
    int n = index + 1;
    while (n > 0) {
        const int rem = (n - 1) % 26;
        name.prepend(QChar(u'A' + rem));
        n = (n - 1) / 26;
    }
    return name;
}

// Sets a cell's text from UTF-8 bytes in the cell's own string buffer (a text has at most as many UTF-16 units as
// its UTF-8 has bytes), so that reading does not allocate per field once the row's cells have grown.
void assignField(Cell &cell, const char *data, qsizetype len, bool ascii)
{
    cell.number = 0.0;
    if (len == 0) {
        cell.kind = Cell::Kind::Empty;
        cell.text.resize(0);
        return;
    }
    cell.kind = Cell::Kind::Text;
    cell.text.resize(ascii ? len : len + 1); // + 1: the decoder's own bound
    char16_t *out = reinterpret_cast<char16_t *>(cell.text.data());
    if (!ascii) {
        // As QString::fromUtf8 reads it (a leading BOM dropped, malformed sequences replaced), but into this buffer:
        // nothing carried from the field before.
        QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
        const QChar *stop = decoder.appendToBuffer(reinterpret_cast<QChar *>(out), QByteArrayView(data, len));
        cell.text.truncate(stop - reinterpret_cast<const QChar *>(out));
        return;
    }
    qsizetype i = 0;
#ifdef __SSE2__
    // 16 bytes at a time (the widening is most of the reader's own work on a typical export); the last block of a
    // long value overlaps the one before instead of a byte loop, a short value takes 8 bytes at a time.
    const __m128i zero = _mm_setzero_si128();
    auto widen16 = [&](qsizetype at) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(data + at));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + at), _mm_unpacklo_epi8(bytes, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + at + 8), _mm_unpackhi_epi8(bytes, zero));
    };
    if (len >= 16) {
        for (; i + 16 <= len; i += 16)
            widen16(i);
        if (i < len)
            widen16(len - 16);
        return;
    }
    if (len >= 8) {
        const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(data));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out), _mm_unpacklo_epi8(bytes, zero));
        i = 8;
    }
#endif
    for (; i < len; ++i)
        out[i] = static_cast<unsigned char>(data[i]);
}

bool isAscii(const char *data, qsizetype len)
{
    unsigned char acc = 0;
    qsizetype i = 0;
#ifdef __SSE2__
    __m128i any = _mm_setzero_si128(); // 16 bytes a step: quoted values (notes, user agents) are long
    for (; i + 16 <= len; i += 16)
        any = _mm_or_si128(any, _mm_loadu_si128(reinterpret_cast<const __m128i *>(data + i)));
    if (_mm_movemask_epi8(any))
        return false;
#endif
    for (; i < len; ++i)
        acc |= static_cast<unsigned char>(data[i]);
    return acc < 0x80;
}

// Advances p over an unquoted field's bytes 16 at a time, stopping at the delimiter, CR, LF or NUL or where fewer
// than 16 bytes are left (the caller's byte loop finishes). Returns 0x80 when a byte passed over is not ASCII.
unsigned char scanUnquoted(const char *&p, const char *end, char delim)
{
    unsigned char acc = 0;
#ifdef __SSE2__
    const __m128i d = _mm_set1_epi8(delim), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    const __m128i zero = _mm_setzero_si128();
    while (end - p >= 16) {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, d), _mm_cmpeq_epi8(b, lf)),
                                          _mm_or_si128(_mm_cmpeq_epi8(b, cr), _mm_cmpeq_epi8(b, zero)));
        const unsigned mask = unsigned(_mm_movemask_epi8(stop));
        const unsigned high = unsigned(_mm_movemask_epi8(b)); // bytes >= 0x80
        if (mask) {
            const int k = __builtin_ctz(mask);
            if (high & ((1u << k) - 1))
                acc = 0x80;
            p += k;
            return acc;
        }
        if (high)
            acc = 0x80;
        p += 16;
    }
#else
    Q_UNUSED(end)
    Q_UNUSED(delim)
#endif
    return acc;
}

// The first carriage return, line feed or quote at or after p; null when there is none.
const char *nextLineEndOrQuote(const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), quote = _mm_set1_epi8('"');
    while (end - p >= 16) {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const unsigned mask = unsigned(_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, lf), _mm_cmpeq_epi8(b, cr)), _mm_cmpeq_epi8(b, quote))));
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    for (; p < end; ++p)
        if (*p == '\n' || *p == '\r' || *p == '"')
            return p;
    return nullptr;
}

// The first record start at or after `cut` (end when there is none), and how many records come before it: the
// record boundaries read() finds, without making cells. Outside quotes only line ends and quotes matter, and a
// quote only at a field's start (the record's start or just after a delimiter; elsewhere it is kept as text);
// a quoted field runs to its closing quote ("" is a quote inside it). CR LF is one line end, and so is LF CR in
// a file that ends its lines that way (lfcr), as in read(). A NUL byte or a quote never closed before the cut
// makes read() of the part before fail, which is the error reported; whatever this finds then is not used.
const char *skipRecords(const char *begin, const char *end, const char *cut, char delim, bool lfcr, qint64 *records)
{
    *records = 0;
    if (cut <= begin)
        return begin;
    const char *recordStart = begin;
    const char *p = begin;
    while (const char *q = nextLineEndOrQuote(p, end)) {
        if (*q == '"') {
            p = q + 1;
            if (q != recordStart && q[-1] != delim)
                continue; // a quote inside an unquoted value: text
            for (;;) {
                const char *close = static_cast<const char *>(std::memchr(p, '"', size_t(end - p)));
                if (!close)
                    return end;
                p = close + 1;
                if (p < end && *p == '"')
                    ++p; // "" is a quote
                else
                    break;
            }
            continue;
        }
        p = q + 1;
        if (*q == '\r' && p < end && *p == '\n')
            ++p;
        else if (*q == '\n' && lfcr && p < end && *p == '\r')
            ++p;
        ++*records;
        recordStart = p;
        if (p >= cut)
            return p;
    }
    return end;
}

enum class Bom { None, Utf8, Utf16LE, Utf16BE };

Bom sniffBom(const char *data, qint64 size)
{
    const auto *u = reinterpret_cast<const unsigned char *>(data);
    if (size >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return Bom::Utf8;
    if (size >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return Bom::Utf16LE;
    if (size >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return Bom::Utf16BE;
    return Bom::None;
}

// The messages of a row that cannot be read, naming the file, row and column.
struct RowErrors
{
    QString file;
    QString displayName;

    SourceError binary(qint64 record, int column) const
    {
        return SourceError(file, tr("%1 does not look like a text (CSV) file: row %2, column %3 contains "
                                    "binary data (a NUL byte).")
                                     .arg(displayName)
                                     .arg(record)
                                     .arg(columnLetters(column)));
    }
    SourceError tooLarge(qint64 record, int column) const
    {
        return SourceError(file, tr("%1, row %2, column %3: the value is larger than %4 MB, which no sheet cell "
                                    "holds. The file is damaged or is not a sheet export.")
                                     .arg(displayName)
                                     .arg(record)
                                     .arg(columnLetters(column))
                                     .arg(CsvReader::MaxFieldBytes >> 20));
    }
    // The row's cell for a column, added when the row is that wide for the first time; a column beyond the last a
    // sheet has (XFD) is refused.
    Cell &cellAt(SheetRow &row, int column) const
    {
        if (size_t(column) < row.cells.size()) [[likely]]
            return row.cells[size_t(column)];
        return addCell(row, column);
    }
    Q_NEVER_INLINE Cell &addCell(SheetRow &row, int column) const
    {
        if (column >= CsvReader::MaxColumns)
            throw SourceError(file, tr("%1, row %2, column %3: the row has more than %L4 columns, which no sheet has "
                                       "(the last column is XFD). The file is damaged or is not a sheet export.")
                                        .arg(displayName)
                                        .arg(row.number)
                                        .arg(columnLetters(column))
                                        .arg(CsvReader::MaxColumns));
        return row.cells.emplace_back();
    }
};

} // namespace

struct CsvReader::Text
{
    std::unique_ptr<QFile> file;
    QByteArray holder; // keeps data or a converted copy alive
    const char *begin = nullptr;
    const char *end = nullptr;
    bool complete = true; // false when only a sample was loaded
    const char *mapped = nullptr; // the file's mapping when begin/end lie in it (page-aligned), else null
    const char *released = nullptr; // mapped pages before this were handed back

    // Hands the mapped pages wholly before `upTo` back to the page cache: they were read and every cell made
    // from them is a copy, so the mapping does not make the whole file resident (the import's memory is its
    // records, not its input).
    void releaseBefore(const char *upTo)
    {
#ifdef Q_OS_UNIX
        if (!mapped)
            return;
        static const qintptr page = qintptr(sysconf(_SC_PAGESIZE));
        const char *stop = mapped + ((upTo - mapped) / page) * page;
        if (stop - released >= qintptr(4) << 20) { // in steps of 4 MB or more
            madvise(const_cast<char *>(released), size_t(stop - released), MADV_DONTNEED);
            released = stop;
        }
#else
        Q_UNUSED(upTo)
#endif
    }
};

CsvReader::CsvReader(const QString &path) : m_path(path), m_displayName(QFileInfo(path).fileName()) {}

CsvReader CsvReader::fromData(const QByteArray &data, const QString &displayName)
{
    CsvReader r;
    r.m_data = data;
    r.m_fromData = true;
    r.m_displayName = displayName;
    return r;
}

void CsvReader::setDelimiter(char d)
{
    m_delimiter = d;
    m_delimiterOverridden = true;
}

CsvReader::Text CsvReader::load(bool sampleOnly)
{
    Text t;
    const char *raw = nullptr;
    qint64 size = 0;
    if (m_fromData) {
        t.holder = m_data;
        raw = t.holder.constData();
        size = t.holder.size();
    } else {
        t.file = std::make_unique<QFile>(m_path);
        if (!t.file->open(QIODevice::ReadOnly))
            throw SourceError(m_path, tr("%1 cannot be opened: %2").arg(m_displayName, t.file->errorString()));
        size = t.file->size();
        if (size > 0) {
            if (sampleOnly && size > SampleBytes * 2) {
                t.holder = t.file->read(SampleBytes * 2);
                raw = t.holder.constData();
                size = t.holder.size();
                t.complete = false;
            } else {
                raw = reinterpret_cast<const char *>(t.file->map(0, size));
#ifdef Q_OS_UNIX
                if (raw) // one front-to-back pass: ask for aggressive read-ahead
                    posix_madvise(const_cast<char *>(raw), size_t(size), POSIX_MADV_SEQUENTIAL);
#endif
                t.mapped = t.released = raw;
                if (!raw) { // not mappable (a pipe, a special file system): read it instead
                    t.holder = t.file->readAll();
                    raw = t.holder.constData();
                    size = t.holder.size();
                }
            }
        }
    }
    if (size == 0) {
        m_encoding = QStringLiteral("UTF-8");
        return t;
    }
    switch (sniffBom(raw, size)) {
    case Bom::None:
        m_encoding = QStringLiteral("UTF-8");
        t.begin = raw;
        t.end = raw + size;
        break;
    case Bom::Utf8:
        m_encoding = QStringLiteral("UTF-8 (BOM)");
        t.begin = raw + 3;
        t.end = raw + size;
        break;
    case Bom::Utf16LE:
    case Bom::Utf16BE: {
        const bool le = sniffBom(raw, size) == Bom::Utf16LE;
        m_encoding = le ? QStringLiteral("UTF-16LE (BOM)") : QStringLiteral("UTF-16BE (BOM)");
        QStringDecoder decoder(le ? QStringConverter::Utf16LE : QStringConverter::Utf16BE);
        qint64 bytes = size - 2;
        if (!t.complete)
            bytes &= ~qint64(1);
        const QString text = decoder.decode(QByteArrayView(raw + 2, bytes));
        QByteArray utf8 = text.toUtf8();
        if (t.file && t.file->isOpen())
            t.file->close(); // unmaps
        t.mapped = t.released = nullptr;
        t.holder = std::move(utf8);
        t.begin = t.holder.constData();
        t.end = t.begin + t.holder.size();
        break;
    }
    }

    // Not text at all? Look at the beginning: NUL bytes or many control characters.
    const qint64 sample = std::min<qint64>(t.end - t.begin, SampleBytes);
    if (std::memchr(t.begin, 0, size_t(sample)))
        throw SourceError(m_path.isEmpty() ? m_displayName : m_path,
                          tr("%1 does not look like a text (CSV) file: it contains binary data. "
                             "Download the sheet again with File > Download > Comma-separated values.")
                              .arg(m_displayName));
    qint64 controls = 0;
    for (qint64 i = 0; i < sample; ++i) {
        const auto c = static_cast<unsigned char>(t.begin[i]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F)
            ++controls;
    }
    if (controls * 20 > sample) // more than 5 %
        throw SourceError(m_path.isEmpty() ? m_displayName : m_path,
                          tr("%1 does not look like a text (CSV) file: it contains binary data. "
                             "Download the sheet again with File > Download > Comma-separated values.")
                              .arg(m_displayName));
    return t;
}

// Delimiter and line-end detection over the first ~64 KiB, outside quotes.
void CsvReader::sniff(const char *begin, const char *end, bool atEof)
{
    const char *stop = begin + std::min<qint64>(end - begin, SampleBytes);
    const bool sampleIsAll = atEof && stop == end;

    // Line ends: LF CR as one terminator when it is the first line end in the file.
    m_lfcr = false;
    for (const char *p = begin; p < stop; ++p) {
        if (*p == '\r')
            break;
        if (*p == '\n') {
            m_lfcr = (p + 1 < stop && p[1] == '\r');
            break;
        }
    }
    if (m_delimiterOverridden)
        return;

    constexpr std::array<char, 3> candidates{',', ';', '\t'};
    std::vector<std::array<int, 3>> perLine;
    std::array<int, 3> counts{0, 0, 0};
    bool inQuotes = false;
    bool atFieldStart = true;
    bool lineHasContent = false;
    for (const char *p = begin; p < stop; ++p) {
        const char c = *p;
        if (inQuotes) {
            if (c == '"') {
                if (p + 1 < stop && p[1] == '"')
                    ++p;
                else
                    inQuotes = false;
            }
            continue;
        }
        if (c == '"' && atFieldStart) {
            inQuotes = true;
            atFieldStart = false;
            lineHasContent = true;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (lineHasContent)
                perLine.push_back(counts);
            counts = {0, 0, 0};
            atFieldStart = true;
            lineHasContent = false;
            continue;
        }
        lineHasContent = true;
        atFieldStart = false;
        for (size_t k = 0; k < candidates.size(); ++k) {
            if (c == candidates[k]) {
                ++counts[k];
                atFieldStart = true;
            }
        }
    }
    if (sampleIsAll && lineHasContent && !inQuotes)
        perLine.push_back(counts); // the last line, complete because the file ends there
    if (perLine.empty() && lineHasContent)
        perLine.push_back(counts); // one long partial line: better than nothing

    // Score: share of lines whose count equals the most common non-zero count; then that count.
    char best = ',';
    double bestScore = 0;
    int bestMode = 0;
    for (size_t k = 0; k < candidates.size(); ++k) {
        std::vector<int> values;
        values.reserve(perLine.size());
        for (const auto &line : perLine)
            values.push_back(line[k]);
        std::sort(values.begin(), values.end());
        int mode = 0, modeRun = 0;
        for (size_t i = 0; i < values.size();) {
            size_t j = i;
            while (j < values.size() && values[j] == values[i])
                ++j;
            if (values[i] > 0 && int(j - i) >= modeRun) {
                mode = values[i];
                modeRun = int(j - i);
            }
            i = j;
        }
        if (mode == 0)
            continue;
        const double score = double(modeRun) / double(perLine.size());
        if (score > bestScore + 1e-9 || (score > bestScore - 1e-9 && mode > bestMode)) {
            best = candidates[k];
            bestScore = score;
            bestMode = mode;
        }
    }
    m_delimiter = best;
}

void CsvReader::detect()
{
    Text t = load(true);
    if (t.begin)
        sniff(t.begin, t.end, t.complete);
}

void CsvReader::read(const RowSink &sink, Progress *progress)
{
    read(sink, progress, Part{});
}

void CsvReader::read(const RowSink &sink, Progress *progress, Part part)
{
    Text t = load(false);
    const qint64 total = t.begin ? t.end - t.begin : 0;
    if (progress)
        progress->begin(tr("Reading %1").arg(m_displayName), total);
    if (!t.begin) {
        if (progress)
            progress->advance(0);
        return;
    }
    sniff(t.begin, t.end, true);

    const QString file = m_path.isEmpty() ? m_displayName : m_path;
    const char delim = m_delimiter;
    std::array<bool, 256> special{};
    special[static_cast<unsigned char>(delim)] = true;
    special['\r'] = true;
    special['\n'] = true;
    special[0] = true;

    const RowErrors errors{file, m_displayName};
    auto binaryError = [&](qint64 record, int column) { return errors.binary(record, column); };
    auto tooLarge = [&](qint64 record, int column) { return errors.tooLarge(record, column); };

    const char *const begin = t.begin;
    const char *const end = t.end;
    qint64 record = 0;
    const char *p = part.from > 0 ? skipRecords(begin, end, begin + std::min(part.from, total), delim, m_lfcr, &record)
                                  : begin;
    t.releaseBefore(p);
    const char *const stop = part.to < total ? begin + std::max<qint64>(0, part.to) : end;
    SheetRow row;
    row.cells.reserve(16);
    QByteArray scratch;
    while (p < end && p < stop) {
        ++record;
        row.number = record;
        int column = 0;
        for (;;) {
            Cell &cell = errors.cellAt(row, column);
            if (p < end && *p == '"') {
                // Quoted field: up to the closing quote; "" is a quote; newlines and delimiters are data.
                const char *segment = p + 1;
                const char *q = segment;
                bool usedScratch = false;
                const char *direct = nullptr;
                qint64 directLen = 0;
                scratch.clear();
                for (;;) {
                    const char *quote = static_cast<const char *>(std::memchr(q, '"', size_t(end - q)));
                    if (!quote)
                        throw SourceError(file, tr("%1, row %2: a quoted value is never closed (a \" is missing). "
                                                   "The file may be cut short or damaged.")
                                                    .arg(m_displayName)
                                                    .arg(record));
                    if (quote + 1 < end && quote[1] == '"') {
                        scratch.append(segment, quote + 1 - segment);
                        usedScratch = true;
                        segment = q = quote + 2;
                        if (scratch.size() > MaxFieldBytes)
                            throw tooLarge(record, column);
                        continue;
                    }
                    if (usedScratch)
                        scratch.append(segment, quote - segment);
                    else {
                        direct = segment;
                        directLen = quote - segment;
                    }
                    p = quote + 1;
                    break;
                }
                if (p < end && !special[static_cast<unsigned char>(*p)]) {
                    // Text after the closing quote: kept, as spreadsheet programs do.
                    const char *rest = p;
                    while (p < end && !special[static_cast<unsigned char>(*p)])
                        ++p;
                    if (!usedScratch) {
                        scratch.append(direct, directLen);
                        usedScratch = true;
                    }
                    scratch.append(rest, p - rest);
                }
                const char *data = usedScratch ? scratch.constData() : direct;
                const qint64 len = usedScratch ? scratch.size() : directLen;
                if (len > MaxFieldBytes)
                    throw tooLarge(record, column);
                if (len > 0 && std::memchr(data, 0, size_t(len)))
                    throw binaryError(record, column);
                assignField(cell, data, len, isAscii(data, len));
            } else {
                // Unquoted field: up to the delimiter or line end; a quote inside is kept literally.
                const char *start = p;
                unsigned char acc = scanUnquoted(p, end, delim);
                while (p < end && !special[static_cast<unsigned char>(*p)])
                    acc |= static_cast<unsigned char>(*p++);
                if (p - start > MaxFieldBytes)
                    throw tooLarge(record, column);
                assignField(cell, start, p - start, acc < 0x80);
            }
            ++column;
            if (p >= end)
                break;
            const char c = *p;
            if (c == delim) {
                ++p;
                if (p >= end) { // "a,b," at the very end: the last field is empty
                    assignField(errors.cellAt(row, column), nullptr, 0, true);
                    ++column;
                    break;
                }
                continue;
            }
            if (c == '\r') {
                ++p;
                if (p < end && *p == '\n')
                    ++p;
                break;
            }
            if (c == '\n') {
                ++p;
                if (m_lfcr && p < end && *p == '\r')
                    ++p;
                break;
            }
            throw binaryError(record, column - 1); // NUL
        }
        row.cells.resize(size_t(column)); // cells are reused between rows; drop the surplus only
        if (!sink(row))
            break;
        if ((record & 0xFFF) == 0) {
            t.releaseBefore(p); // the next record starts at p
            if (progress) {
                progress->advance(p - begin);
                checkCancel(progress);
            }
        }
    }
    if (progress)
        progress->advance(p - begin);
}

} // namespace tt
