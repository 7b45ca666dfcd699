#include "sheets/xlsxreader.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QXmlStreamReader>

#include <zip.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::XlsxReader", text);
}

constexpr qint64 kChunk = 64 * 1024;
constexpr qint64 kRatioFloor = qint64(50) << 20; // the ratio limit applies above 50 MB

const QLatin1StringView kRelNsTransitional("http://schemas.openxmlformats.org/officeDocument/2006/relationships");
const QLatin1StringView kRelNsStrict("http://purl.oclc.org/ooxml/officeDocument/relationships");

// Excel escapes characters XML cannot carry as _xHHHH_ in strings. _x0000_ is kept as written: no cell holds a
// NUL (XML cannot carry one, PostgreSQL text cannot store one, and it would cut the value short).
QString decodeXmlEscapes(QString s)
{
    if (!s.contains(QLatin1StringView("_x")))
        return s;
    QString out;
    out.reserve(s.size());
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s.at(i) == u'_' && i + 6 < s.size() && s.at(i + 1) == u'x' && s.at(i + 6) == u'_') {
            bool ok = false;
            const uint code = QStringView(s).mid(i + 2, 4).toUInt(&ok, 16);
            if (ok && code != 0) {
                out.append(QChar(char16_t(code)));
                i += 6;
                continue;
            }
        }
        out.append(s.at(i));
    }
    return out;
}

QString sizeText(qint64 bytes)
{
    if (bytes >= (qint64(1) << 30) && bytes % (qint64(1) << 30) == 0)
        return tr("%1 GB").arg(bytes >> 30);
    if (bytes >= (qint64(1) << 20))
        return tr("%1 MB").arg(bytes >> 20);
    return tr("%1 KB").arg((bytes + 1023) / 1024);
}

// Spreadsheet column letters for a 0-based column: 0 -> A, 26 -> AA.
QString columnLetters(int index)
{
    QString name;
    int n = index + 1;
    while (n > 0) {
        name.prepend(QChar(u'A' + (n - 1) % 26));
        n = (n - 1) / 26;
    }
    return name;
}

bool attrTrue(QStringView v)
{
    return v == u"1" || v.compare(u"true", Qt::CaseInsensitive) == 0;
}

// Days since 1899-12-30 (the 1900 system) for an ISO 8601 date/time (cells of type "d").
bool isoToSerial(const QString &iso, double *serial)
{
    QDateTime dt = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(iso, Qt::ISODate);
    if (!dt.isValid()) {
        const QDate d = QDate::fromString(iso, Qt::ISODate);
        if (!d.isValid())
            return false;
        dt = QDateTime(d, QTime(0, 0), Qt::UTC);
    }
    if (dt.timeSpec() == Qt::LocalTime)
        dt.setTimeSpec(Qt::UTC); // no offset given: take the wall-clock time as written
    const QDate epoch(1899, 12, 30);
    const QDateTime utc = dt.toUTC();
    const double days = double(epoch.daysTo(utc.date()));
    const double ms = double(QTime(0, 0).msecsTo(utc.time()));
    *serial = days + ms / 86400000.0;
    return true;
}

} // namespace

struct XlsxReader::Private
{
    QString path;
    QString displayName;
    XlsxLimits limits;
    zip_t *zip = nullptr;
    // What every part read so far expanded to, shared with the readers of the same workbook on other threads
    // (shareSharedStrings): the limit is on the workbook.
    std::shared_ptr<std::atomic<qint64>> decompressedTotal = std::make_shared<std::atomic<qint64>>(0);

    struct Sheet
    {
        QString name;
        QString part;
    };
    std::vector<Sheet> sheets;
    bool date1904 = false;
    QString sharedStringsPart;
    QString stylesPart;
    bool sharedLoaded = false;
    // Read-only once loaded; shared with the workbook's other readers (QString's reference count is atomic).
    std::shared_ptr<std::vector<QString>> shared = std::make_shared<std::vector<QString>>();
    std::vector<bool> dateStyles; // cellXfs index -> date/time format
    int columnLimit = 16384;

    ~Private()
    {
        if (zip)
            zip_discard(zip);
    }

    [[noreturn]] void damaged(const QString &detail) const
    {
        throw SourceError(path, tr("%1 is not an Excel workbook (.xlsx) or is damaged: %2").arg(displayName, detail));
    }
    [[noreturn]] void bomb(const QString &detail) const
    {
        throw SourceError(path, tr("%1 looks like a zip bomb (%2); it was not read. Download the workbook again "
                                   "from Google Sheets.")
                                    .arg(displayName, detail));
    }

    zip_int64_t locate(const QString &part) const
    {
        const QByteArray name = part.toUtf8();
        zip_int64_t idx = zip_name_locate(zip, name.constData(), 0);
        if (idx < 0)
            idx = zip_name_locate(zip, name.constData(), ZIP_FL_NOCASE);
        return idx;
    }

    // One part, decompressed in chunks into a QXmlStreamReader; never whole in memory.
    class Part
    {
    public:
        Part(Private *owner, const QString &name, Progress *progress = nullptr)
            : m_owner(owner), m_name(name), m_progress(progress)
        {
            const zip_int64_t idx = owner->locate(name);
            if (idx < 0)
                owner->damaged(tr("the part %1 is missing").arg(name));
            zip_stat_t st;
            zip_stat_init(&st);
            if (zip_stat_index(owner->zip, zip_uint64_t(idx), 0, &st) != 0)
                owner->damaged(tr("the part %1 cannot be read").arg(name));
            m_declared = (st.valid & ZIP_STAT_SIZE) ? qint64(st.size) : 0;
            m_compressed = (st.valid & ZIP_STAT_COMP_SIZE) ? qint64(st.comp_size) : 0;
            m_file = zip_fopen_index(owner->zip, zip_uint64_t(idx), 0);
            if (!m_file)
                owner->damaged(tr("the part %1 cannot be opened (%2)")
                                   .arg(name, QString::fromUtf8(zip_strerror(owner->zip))));
            m_buffer.resize(kChunk);
        }
        ~Part()
        {
            if (m_file)
                zip_fclose(m_file);
        }
        Part(const Part &) = delete;
        Part &operator=(const Part &) = delete;

        qint64 declaredSize() const { return m_declared; }
        qint64 bytesRead() const { return m_read; }
        QXmlStreamReader &xml() { return m_xml; }

        // The next token; feeds data as needed; throws on DTDs and XML errors.
        QXmlStreamReader::TokenType next()
        {
            for (;;) {
                const QXmlStreamReader::TokenType t = m_xml.readNext();
                if (t == QXmlStreamReader::Invalid) {
                    if (m_xml.error() == QXmlStreamReader::PrematureEndOfDocumentError && !m_eof) {
                        feed();
                        continue;
                    }
                    m_owner->damaged(tr("%1, line %2: %3")
                                         .arg(m_name)
                                         .arg(m_xml.lineNumber())
                                         .arg(m_xml.errorString()));
                }
                if (t == QXmlStreamReader::DTD)
                    throw SourceError(m_owner->path,
                                      tr("%1 contains a document type declaration (%2, line %3). Excel workbooks "
                                         "never do; the file was not read because it may be malicious.")
                                          .arg(m_owner->displayName, m_name)
                                          .arg(m_xml.lineNumber()));
                return t;
            }
        }
        // Skips the element whose StartElement was just read.
        void skipElement()
        {
            int depth = 1;
            while (depth > 0) {
                const auto t = next();
                if (t == QXmlStreamReader::StartElement)
                    ++depth;
                else if (t == QXmlStreamReader::EndElement)
                    --depth;
                else if (t == QXmlStreamReader::EndDocument)
                    return;
            }
        }
        // Text content of the element just started (its text nodes; child elements' text is included).
        // Stops keeping text past maxChars and sets *tooLong (the element is still read to its end).
        QString elementText(qsizetype maxChars, bool *tooLong)
        {
            QString text;
            int depth = 1;
            while (depth > 0) {
                const auto t = next();
                if (t == QXmlStreamReader::StartElement)
                    ++depth;
                else if (t == QXmlStreamReader::EndElement)
                    --depth;
                else if (t == QXmlStreamReader::Characters || t == QXmlStreamReader::EntityReference) {
                    if (*tooLong)
                        continue;
                    if (text.size() + m_xml.text().size() > maxChars) {
                        *tooLong = true;
                        text.clear();
                        text.squeeze();
                    } else if (text.isEmpty()) {
                        text = m_xml.text().toString(); // the usual single text node: one allocation
                    } else {
                        text += m_xml.text();
                    }
                }
                else if (t == QXmlStreamReader::EndDocument)
                    break;
            }
            return text;
        }

    private:
        void feed()
        {
            checkCancel(m_progress);
            const zip_int64_t n = zip_fread(m_file, m_buffer.data(), zip_uint64_t(m_buffer.size()));
            if (n < 0)
                m_owner->damaged(tr("the part %1 cannot be decompressed (%2)")
                                     .arg(m_name, QString::fromUtf8(zip_file_strerror(m_file))));
            if (n == 0) {
                m_eof = true;
                return; // the next readNext() reports the real error, if any
            }
            m_read += n;
            const qint64 total = m_owner->decompressedTotal->fetch_add(n) + n;
            // Count what is actually decompressed: headers can lie.
            if (total > m_owner->limits.maxUncompressedBytes)
                m_owner->bomb(tr("it expands to more than %1").arg(sizeText(m_owner->limits.maxUncompressedBytes)));
            if (m_read > kRatioFloor && double(m_read) > m_owner->limits.maxRatio * double(std::max<qint64>(m_compressed, 1)))
                m_owner->bomb(tr("%1 expands more than %2 times").arg(m_name).arg(m_owner->limits.maxRatio));
            if (m_declared > 0 && m_read > m_declared)
                m_owner->damaged(tr("the part %1 is larger than its zip header says").arg(m_name));
            m_xml.addData(QByteArray(m_buffer.constData(), qsizetype(n)));
            if (m_progress && m_declared > 0)
                m_progress->advance(std::min(m_read, m_declared));
        }

        Private *m_owner;
        QString m_name;
        Progress *m_progress;
        zip_file_t *m_file = nullptr;
        QByteArray m_buffer;
        QXmlStreamReader m_xml;
        qint64 m_declared = 0;
        qint64 m_compressed = 0;
        qint64 m_read = 0;
        bool m_eof = false;
    };

    static QString relsPathFor(const QString &part)
    {
        const qsizetype slash = part.lastIndexOf(u'/');
        const QString dir = slash >= 0 ? part.left(slash + 1) : QString();
        return dir + QStringLiteral("_rels/") + part.mid(slash + 1) + QStringLiteral(".rels");
    }
    static QString resolveTarget(const QString &basePart, const QString &target)
    {
        if (target.startsWith(u'/'))
            return QDir::cleanPath(target.mid(1));
        const qsizetype slash = basePart.lastIndexOf(u'/');
        const QString dir = slash >= 0 ? basePart.left(slash + 1) : QString();
        return QDir::cleanPath(dir + target);
    }

    // Id -> (type, resolved target) for a part's relationships; empty when the rels part is missing.
    QHash<QString, QPair<QString, QString>> readRels(const QString &basePart)
    {
        QHash<QString, QPair<QString, QString>> rels;
        const QString relsPart = relsPathFor(basePart);
        if (locate(relsPart) < 0)
            return rels;
        Part p(this, relsPart);
        for (;;) {
            const auto t = p.next();
            if (t == QXmlStreamReader::EndDocument)
                break;
            if (t == QXmlStreamReader::StartElement && p.xml().name() == u"Relationship") {
                const auto a = p.xml().attributes();
                if (a.value(QLatin1StringView("TargetMode")) == u"External")
                    continue;
                rels.insert(a.value(QLatin1StringView("Id")).toString(),
                            {a.value(QLatin1StringView("Type")).toString(), resolveTarget(basePart, a.value(QLatin1StringView("Target")).toString())});
            }
        }
        return rels;
    }

    void open()
    {
        const QFileInfo info(path);
        if (!info.exists() || !info.isFile())
            throw SourceError(path, tr("%1 cannot be opened: the file does not exist").arg(displayName));
        int err = 0;
        zip = zip_open(QFile::encodeName(path).constData(), ZIP_RDONLY, &err);
        if (!zip) {
            if (err == ZIP_ER_OPEN || err == ZIP_ER_READ) {
                QFile f(path);
                f.open(QIODevice::ReadOnly);
                throw SourceError(path, tr("%1 cannot be opened: %2").arg(displayName, f.errorString()));
            }
            if (err == ZIP_ER_NOZIP)
                damaged(tr("it is not a zip package (is it a CSV file, or an old .xls file renamed?)"));
            zip_error_t ze;
            zip_error_init_with_code(&ze, err);
            const QString why = QString::fromUtf8(zip_error_strerror(&ze));
            zip_error_fini(&ze);
            damaged(why);
        }

        // Limits on what the headers declare.
        const zip_int64_t entries = zip_get_num_entries(zip, 0);
        if (entries > limits.maxEntries)
            bomb(tr("%1 parts, more than the %2 a workbook can have").arg(entries).arg(limits.maxEntries));
        qint64 declaredTotal = 0;
        for (zip_int64_t i = 0; i < entries; ++i) {
            zip_stat_t st;
            zip_stat_init(&st);
            if (zip_stat_index(zip, zip_uint64_t(i), 0, &st) != 0)
                damaged(tr("entry %1 cannot be read").arg(i));
            const qint64 size = (st.valid & ZIP_STAT_SIZE) ? qint64(std::min<zip_uint64_t>(st.size, zip_uint64_t(1) << 62)) : 0;
            const qint64 comp = (st.valid & ZIP_STAT_COMP_SIZE) ? qint64(std::min<zip_uint64_t>(st.comp_size, zip_uint64_t(1) << 62)) : 0;
            declaredTotal += size;
            if (size > limits.maxUncompressedBytes || declaredTotal > limits.maxUncompressedBytes)
                bomb(tr("it would expand to more than %1").arg(sizeText(limits.maxUncompressedBytes)));
            if (size > kRatioFloor && double(size) > limits.maxRatio * double(std::max<qint64>(comp, 1)))
                bomb(tr("the part %1 expands %2 times")
                         .arg(QString::fromUtf8(st.name ? st.name : ""))
                         .arg(qRound64(double(size) / double(std::max<qint64>(comp, 1)))));
        }

        // The workbook part: from the package relationships, else the usual place.
        QString workbookPart = QStringLiteral("xl/workbook.xml");
        {
            const auto rels = readRels(QString()); // _rels/.rels
            for (auto it = rels.cbegin(); it != rels.cend(); ++it)
                if (it.value().first.endsWith(QLatin1StringView("/officeDocument")))
                    workbookPart = it.value().second;
        }
        if (locate(workbookPart) < 0)
            damaged(tr("it has no workbook part (%1)").arg(workbookPart));
        const auto rels = readRels(workbookPart);

        // workbook.xml: sheets and the date system.
        QList<QPair<QString, QString>> sheetIds; // name, r:id
        {
            Part p(this, workbookPart);
            for (;;) {
                const auto t = p.next();
                if (t == QXmlStreamReader::EndDocument)
                    break;
                if (t != QXmlStreamReader::StartElement)
                    continue;
                const auto name = p.xml().name();
                if (name == u"workbookPr") {
                    date1904 = attrTrue(p.xml().attributes().value(QLatin1StringView("date1904")));
                } else if (name == u"sheet") {
                    QString rid;
                    for (const QXmlStreamAttribute &a : p.xml().attributes()) {
                        if (a.name() == u"id"
                            && (a.namespaceUri() == kRelNsTransitional || a.namespaceUri() == kRelNsStrict
                                || a.qualifiedName() == u"r:id"))
                            rid = a.value().toString();
                    }
                    sheetIds.append({p.xml().attributes().value(QLatin1StringView("name")).toString(), rid});
                }
            }
        }
        for (const auto &[name, rid] : sheetIds) {
            QString part = rels.value(rid).second;
            if (part.isEmpty())
                damaged(tr("the sheet \"%1\" has no part").arg(name));
            sheets.push_back({name, part});
        }
        for (auto it = rels.cbegin(); it != rels.cend(); ++it) {
            if (it.value().first.endsWith(QLatin1StringView("/sharedStrings")))
                sharedStringsPart = it.value().second;
            else if (it.value().first.endsWith(QLatin1StringView("/styles")))
                stylesPart = it.value().second;
        }
        // Optional parts a relationship names but the package lacks are treated as absent.
        if (!sharedStringsPart.isEmpty() && locate(sharedStringsPart) < 0)
            sharedStringsPart.clear();
        if (!stylesPart.isEmpty() && locate(stylesPart) < 0)
            stylesPart.clear();
        if (sharedStringsPart.isEmpty() && locate(QStringLiteral("xl/sharedStrings.xml")) >= 0)
            sharedStringsPart = QStringLiteral("xl/sharedStrings.xml");
        if (stylesPart.isEmpty() && locate(QStringLiteral("xl/styles.xml")) >= 0)
            stylesPart = QStringLiteral("xl/styles.xml");
        if (!stylesPart.isEmpty())
            loadStyles();
    }

    void loadStyles()
    {
        Part p(this, stylesPart);
        QHash<int, QString> customFormats;
        bool inCellXfs = false;
        for (;;) {
            const auto t = p.next();
            if (t == QXmlStreamReader::EndDocument)
                break;
            if (t == QXmlStreamReader::EndElement && p.xml().name() == u"cellXfs")
                inCellXfs = false;
            if (t != QXmlStreamReader::StartElement)
                continue;
            const auto name = p.xml().name();
            const auto a = p.xml().attributes();
            if (name == u"numFmt") {
                customFormats.insert(a.value(QLatin1StringView("numFmtId")).toInt(), a.value(QLatin1StringView("formatCode")).toString());
            } else if (name == u"cellXfs") {
                inCellXfs = true;
            } else if (name == u"xf" && inCellXfs) {
                const int id = a.value(QLatin1StringView("numFmtId")).toInt();
                const auto custom = customFormats.constFind(id);
                dateStyles.push_back(isDateFormat(id, custom == customFormats.cend() ? QString() : custom.value()));
            }
        }
    }

    // Where a reader-level problem is: "export.xlsx, sheet "Incidents", row 12, column C".
    QString where(const Sheet &sheet, qint64 row, int column) const
    {
        return tr("%1, sheet \"%2\", row %3, column %4").arg(displayName, sheet.name).arg(row).arg(columnLetters(column));
    }
    [[noreturn]] void cellTooLong(const Sheet &sheet, qint64 row, int column) const
    {
        throw SourceError(path, tr("%1: the value is longer than %L2 characters, which no sheet cell holds. The file is "
                                   "damaged or is not a sheet export.")
                                    .arg(where(sheet, row, column))
                                    .arg(limits.maxCellChars));
    }
    qint64 sharedStringBudget() const
    {
        if (limits.maxSharedStringBytes >= 0)
            return limits.maxSharedStringBytes;
        return (qint64(64) << 20) + 32 * QFileInfo(path).size();
    }

    // Loaded on the first shared-text cell (sheet, row, column name that cell in messages).
    void loadSharedStrings(Progress *progress, const Sheet &sheet, qint64 row, int column)
    {
        if (sharedLoaded)
            return;
        sharedLoaded = true;
        if (sharedStringsPart.isEmpty())
            return;
        const qint64 budget = sharedStringBudget();
        qint64 bytes = 0;
        Part p(this, sharedStringsPart);
        for (;;) {
            const auto t = p.next();
            if (t == QXmlStreamReader::EndDocument)
                break;
            if (t != QXmlStreamReader::StartElement || p.xml().name() != u"si")
                continue;
            bool tooLong = false;
            QString text = readStringItem(p, limits.maxCellChars, &tooLong);
            if (tooLong)
                throw SourceError(path, tr("%1: shared text number %2 (in %3) is longer than %L4 characters, which no "
                                           "sheet cell holds; it was needed for row %5, column %6 of sheet \"%7\". The "
                                           "file is damaged or is not a sheet export.")
                                            .arg(displayName)
                                            .arg(shared->size() + 1)
                                            .arg(sharedStringsPart)
                                            .arg(limits.maxCellChars)
                                            .arg(row)
                                            .arg(columnLetters(column), sheet.name));
            bytes += 2 * qint64(text.size()) + 32;
            if (bytes > budget)
                throw SourceError(path, tr("%1: its table of shared texts (%2) needs more than %3 of memory, far more "
                                           "than a workbook of %4 holds; it was needed for row %5, column %6 of sheet "
                                           "\"%7\". The file was not read because it may be malicious.")
                                            .arg(displayName, sharedStringsPart, sizeText(budget),
                                                 sizeText(QFileInfo(path).size()))
                                            .arg(row)
                                            .arg(columnLetters(column), sheet.name));
            shared->push_back(decodeXmlEscapes(std::move(text)));
            if ((shared->size() & 0x3FFF) == 0)
                checkCancel(progress);
        }
    }

    // <si> or <is>: plain <t>, or rich-text runs <r><t>; phonetic runs (<rPh>) are not part of the text.
    // Past maxChars in all, sets *tooLong and returns nothing.
    static QString readStringItem(Part &p, qsizetype maxChars, bool *tooLong)
    {
        QString text;
        int depth = 1;
        while (depth > 0) {
            const auto t = p.next();
            if (t == QXmlStreamReader::StartElement) {
                const auto name = p.xml().name();
                if (name == u"t") {
                    const QString run = p.elementText(maxChars, tooLong);
                    if (!*tooLong && text.size() + run.size() > maxChars)
                        *tooLong = true;
                    if (*tooLong)
                        text.clear();
                    else
                        text += run;
                } else if (name == u"rPh" || name == u"phoneticPr") {
                    p.skipElement();
                } else {
                    ++depth;
                }
            } else if (t == QXmlStreamReader::EndElement) {
                --depth;
            } else if (t == QXmlStreamReader::EndDocument) {
                break;
            }
        }
        return text;
    }

    // The row being read.
    struct RowState
    {
        SheetRow row;
        bool inRow = false;
        int nextColumn = 0;
        int limit = 16384; // columnLimit when the row began
    };

    // <row r="..">: the number as written (refused beyond maxRows, never overflowing), else the next one.
    void beginRow(Part &p, const Sheet &sheet, RowState &st)
    {
        const QXmlStreamAttributes attributes = p.xml().attributes();
        const QStringView r = attributes.value(QLatin1StringView("r")).trimmed();
        qint64 number = st.row.number + 1; // <= maxRows + 1: cannot overflow
        if (!r.isEmpty()) {
            bool ok = false;
            const qint64 n = r.toLongLong(&ok);
            const bool digits = std::all_of(r.begin(), r.end(), [](QChar c) { return c.isDigit(); });
            if (ok && n > 0)
                number = n;
            else if (digits && !ok)
                number = -1; // too large for a 64-bit number
        }
        if (number < 0 || number > limits.maxRows)
            throw SourceError(path, tr("%1, sheet \"%2\", row %3 (its row number, in %4): a sheet has no row after "
                                       "row %L5. The file is damaged or was not made by a spreadsheet program.")
                                        .arg(displayName, sheet.name, number < 0 ? r.left(40).toString() : QString::number(number),
                                             sheet.part)
                                        .arg(limits.maxRows));
        // Spreadsheet programs write rows in order, each once; a row number repeated or going back would make
        // two rows answer to one number (quarantine fixes and duplicate choices are kept by row number).
        if (number <= st.row.number)
            throw SourceError(path, tr("%1, sheet \"%2\", row %3 (in %4) comes after row %5: the rows are out of "
                                       "order. The file is damaged or was not made by a spreadsheet program.")
                                        .arg(displayName, sheet.name, QString::number(number), sheet.part,
                                             QString::number(st.row.number)));
        st.row.number = number;
        st.row.cells.clear();
        st.row.cellsBeyond = 0;
        st.nextColumn = 0;
        st.limit = columnLimit;
        st.inRow = true;
    }

    // A cell's t attribute; the usual values without allocating.
    static QString cellType(QStringView t)
    {
        static const QString known[] = {QStringLiteral("s"), QStringLiteral("n"), QStringLiteral("str"),
                                        QStringLiteral("inlineStr"), QStringLiteral("b"), QStringLiteral("e"),
                                        QStringLiteral("d")};
        if (t.isEmpty())
            return {};
        for (const QString &k : known)
            if (t == k)
                return k;
        return t.toString();
    }

    // One <c> element just started: its column and typed value.
    Cell readCell(Part &p, const Sheet &sheet, RowState &st, Progress *progress, int *columnOut)
    {
        // The attributes are read here and let go before the next token: a copy held across next() makes the
        // reader copy its attribute list on every cell.
        QString t;
        int style = 0;
        int column = st.nextColumn;
        {
            const QXmlStreamAttributes a = p.xml().attributes();
            t = cellType(a.value(QLatin1StringView("t")));
            style = a.value(QLatin1StringView("s")).isEmpty() ? 0 : a.value(QLatin1StringView("s")).toInt();
            const auto ref = a.value(QLatin1StringView("r"));
            if (!ref.isEmpty()) {
                const int c = columnIndex(ref);
                if (c >= 0)
                    column = c;
            }
        }
        if (column > 16383)
            damaged(tr("%1, row %2: a cell reference beyond column XFD").arg(sheet.part).arg(st.row.number));
        *columnOut = column;
        QString value;
        QString inlineText;
        bool hasValue = false;
        bool hasInline = false;
        bool tooLong = false;
        int depth = 1;
        while (depth > 0) {
            const auto ct = p.next();
            if (ct == QXmlStreamReader::StartElement) {
                const auto cn = p.xml().name();
                if (cn == u"v") {
                    value = p.elementText(limits.maxCellChars, &tooLong);
                    hasValue = true;
                } else if (cn == u"is") {
                    inlineText = readStringItem(p, limits.maxCellChars, &tooLong);
                    hasInline = true;
                } else {
                    p.skipElement(); // <f>, <extLst>
                }
            } else if (ct == QXmlStreamReader::EndElement) {
                --depth;
            } else if (ct == QXmlStreamReader::EndDocument) {
                break;
            }
        }
        if (tooLong)
            cellTooLong(sheet, st.row.number, column);
        if (t == u"s") {
            if (!hasValue)
                return {};
            loadSharedStrings(progress, sheet, st.row.number, column);
            bool ok = false;
            const qint64 idx = value.trimmed().toLongLong(&ok);
            if (!ok || idx < 0 || idx >= qint64(shared->size()))
                damaged(tr("cell %1%2 of sheet \"%3\" refers to a shared text that does not exist")
                            .arg(columnLetters(column))
                            .arg(st.row.number)
                            .arg(sheet.name));
            return Cell::makeText((*shared)[size_t(idx)]);
        }
        if (t == u"inlineStr")
            return Cell::makeText(decodeXmlEscapes(hasInline ? inlineText : value));
        return typedCell(t, value, hasValue, style);
    }

    // A cell that is not a string: number, date, boolean, error, formula text ("str").
    Cell typedCell(QStringView t, const QString &value, bool hasValue, int style) const
    {
        if (t == u"str")
            return Cell::makeText(decodeXmlEscapes(value));
        if (!hasValue)
            return {};
        if (t == u"b") {
            const bool b = attrTrue(QStringView(value).trimmed());
            return Cell{Cell::Kind::Boolean, b ? QStringLiteral("TRUE") : QStringLiteral("FALSE"), b ? 1.0 : 0.0};
        }
        if (t == u"e")
            return Cell{Cell::Kind::Error, value, 0.0};
        if (t == u"d") {
            double serial = 0;
            if (isoToSerial(value.trimmed(), &serial))
                return Cell{Cell::Kind::DateTime, value, serial};
            return Cell::makeText(value);
        }
        // "n", absent, or an unknown type read as a number if it is one
        if (value.isEmpty())
            return {};
        bool ok = false;
        double number = value.trimmed().toDouble(&ok);
        if (!ok)
            return Cell::makeText(value);
        if (style >= 0 && size_t(style) < dateStyles.size() && dateStyles[size_t(style)]) {
            if (date1904)
                number += 1462;
            return Cell{Cell::Kind::DateTime, value, number};
        }
        return Cell{Cell::Kind::Number, value, number};
    }

    // Puts a cell into the row: never beyond the row's column limit (a value there is only counted).
    static void storeCell(RowState &st, int column, Cell &&cell)
    {
        st.nextColumn = column + 1;
        if (column >= st.limit) {
            if (!cell.isEmpty())
                ++st.row.cellsBeyond;
            return;
        }
        if (size_t(column) < st.row.cells.size()) {
            st.row.cells[size_t(column)] = std::move(cell); // a repeated or out-of-order reference
        } else {
            st.row.cells.resize(size_t(column)); // gaps are empty cells
            st.row.cells.push_back(std::move(cell));
        }
    }

    void readSheetPart(const Sheet &sheet, const RowSink &sink, Progress *progress)
    {
        Part p(this, sheet.part, progress);
        if (progress)
            progress->begin(tr("Reading %1, sheet %2").arg(displayName, sheet.name), p.declaredSize());
        RowState st;
        st.row.cells.reserve(16);
        qint64 rowsSeen = 0;
        for (;;) {
            const auto t = p.next();
            if (t == QXmlStreamReader::EndDocument)
                break;
            if (t == QXmlStreamReader::EndElement) {
                if (st.inRow && p.xml().name() == u"row") {
                    st.inRow = false;
                    if (!sink(st.row))
                        return;
                    if ((++rowsSeen & 0x3FF) == 0)
                        checkCancel(progress);
                }
                continue;
            }
            if (t != QXmlStreamReader::StartElement)
                continue;
            const auto name = p.xml().name();
            if (name == u"row") {
                beginRow(p, sheet, st);
            } else if (name == u"c" && st.inRow) {
                int column = 0;
                Cell cell = readCell(p, sheet, st, progress, &column);
                storeCell(st, column, std::move(cell));
            } else if (name != u"sheetData" && name != u"worksheet") {
                p.skipElement(); // sheetPr, cols, mergeCells, ... and anything unknown
            }
        }
        if (progress)
            progress->advance(p.declaredSize());
    }
};

XlsxReader::XlsxReader(const QString &path, XlsxLimits limits) : d(std::make_unique<Private>())
{
    d->path = path;
    d->displayName = QFileInfo(path).fileName();
    d->limits = limits;
    d->open();
}

XlsxReader::~XlsxReader() = default;

QStringList XlsxReader::sheetNames() const
{
    QStringList names;
    for (const auto &s : d->sheets)
        names.append(s.name);
    return names;
}

void XlsxReader::setColumnLimit(int columns)
{
    d->columnLimit = std::clamp(columns, 0, 16384);
}

int XlsxReader::columnLimit() const
{
    return d->columnLimit;
}

bool XlsxReader::preloadSharedStrings(Progress *progress)
{
    if (d->sharedLoaded)
        return true;
    const qint64 totalBefore = d->decompressedTotal->load();
    try {
        d->loadSharedStrings(progress, Private::Sheet{}, 0, 0);
        return true;
    } catch (const SourceError &) {
        // Read again when a cell needs it, so the message names that cell, as without the preload.
        d->sharedLoaded = false;
        d->shared = std::make_shared<std::vector<QString>>();
        d->decompressedTotal->store(totalBefore);
        return false;
    }
}

void XlsxReader::shareSharedStrings(XlsxReader &other) const
{
    other.d->shared = d->shared;
    other.d->sharedLoaded = d->sharedLoaded;
    other.d->decompressedTotal = d->decompressedTotal;
}

bool XlsxReader::date1904() const
{
    return d->date1904;
}

void XlsxReader::readSheet(const QString &name, const RowSink &sink, Progress *progress)
{
    const Private::Sheet *found = nullptr;
    for (const auto &s : d->sheets)
        if (s.name == name) {
            found = &s;
            break;
        }
    if (!found) {
        const QString wanted = name.trimmed();
        for (const auto &s : d->sheets)
            if (s.name.trimmed().compare(wanted, Qt::CaseInsensitive) == 0) {
                found = &s;
                break;
            }
    }
    if (!found) {
        QStringList quoted;
        for (const auto &s : d->sheets)
            quoted.append(QLatin1Char('"') + s.name + QLatin1Char('"'));
        throw SourceError(d->path, tr("%1 has no sheet named \"%2\". Its sheets are: %3.")
                                       .arg(d->displayName, name, quoted.join(QStringLiteral(", "))));
    }
    d->readSheetPart(*found, sink, progress);
}

int XlsxReader::columnIndex(QStringView ref)
{
    int col = 0;
    qsizetype i = 0;
    for (; i < ref.size(); ++i) {
        const char16_t c = ref.at(i).unicode();
        int v;
        if (c >= u'A' && c <= u'Z')
            v = c - u'A' + 1;
        else if (c >= u'a' && c <= u'z')
            v = c - u'a' + 1;
        else if (c == u'$')
            continue;
        else
            break;
        col = col * 26 + v;
        if (col > 1 << 20)
            return 1 << 20;
    }
    return col - 1;
}

bool XlsxReader::isDateFormat(int numFmtId, const QString &formatCode)
{
    if (formatCode.isEmpty())
        return (numFmtId >= 14 && numFmtId <= 22) || (numFmtId >= 45 && numFmtId <= 47)
            || (numFmtId >= 27 && numFmtId <= 36) || (numFmtId >= 50 && numFmtId <= 58);
    // Look for date/time tokens outside "quoted text", \escapes, _x / *x fillers and [colour]/[$-locale]
    // brackets; elapsed-time brackets ([h], [mm], [ss]) count as time.
    const QString code = formatCode;
    for (qsizetype i = 0; i < code.size(); ++i) {
        const QChar c = code.at(i);
        if (c == u'"') {
            const qsizetype close = code.indexOf(u'"', i + 1);
            if (close < 0)
                break;
            i = close;
            continue;
        }
        if (c == u'\\' || c == u'_' || c == u'*') {
            ++i;
            continue;
        }
        if (c == u'[') {
            const qsizetype close = code.indexOf(u']', i + 1);
            if (close < 0)
                break;
            const QString inner = code.mid(i + 1, close - i - 1).toLower();
            if (!inner.isEmpty()
                && std::all_of(inner.cbegin(), inner.cend(), [&](QChar ch) { return ch == inner.at(0); })
                && (inner.at(0) == u'h' || inner.at(0) == u'm' || inner.at(0) == u's'))
                return true;
            i = close;
            continue;
        }
        const char16_t l = c.toLower().unicode();
        if (l == u'd' || l == u'm' || l == u'y' || l == u'h' || l == u's')
            return true;
    }
    return false;
}

} // namespace tt
