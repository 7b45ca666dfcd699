#include "xlsxwriter.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>

#include <zip.h>

#include <cstdio>
#include <list>
#include <memory>

namespace tt::test {

namespace {

// Appends UTF-8 text escaped for XML element content. Characters XML 1.0 cannot carry
// (C0 controls other than TAB/LF) are written the way Excel does: _xHHHH_. CR is kept as &#13;
// so that the XML parser's end-of-line normalisation does not turn it into LF.
void appendEscaped(QByteArray &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '&': out.append("&amp;"); break;
        case '<': out.append("&lt;"); break;
        case '>': out.append("&gt;"); break;
        case '"': out.append("&quot;"); break;
        case '\r': out.append("&#13;"); break;
        case '\t':
        case '\n': out.append(ch); break;
        default:
            if (c < 0x20) {
                char buf[16];
                std::snprintf(buf, sizeof buf, "_x%04X_", unsigned(c));
                out.append(buf);
            } else {
                out.append(ch);
            }
        }
    }
}

QByteArray columnName(int index) // 0 -> A, 25 -> Z, 26 -> AA
{
    QByteArray name;
    int n = index + 1;
    while (n > 0) {
        const int rem = (n - 1) % 26;
        name.prepend(char('A' + rem));
        n = (n - 1) / 26;
    }
    return name;
}

QByteArray numberText(const XCell &c)
{
    if (!c.literal.isEmpty())
        return c.literal.toUtf8();
    return QByteArray::number(c.number, 'g', 17);
}

// A file written in chunks: the big parts (worksheets, shared strings) go through a temporary file
// so that a million-row sheet does not need to sit in memory next to its compressed copy.
class ChunkedFile
{
public:
    explicit ChunkedFile(const QString &path) : m_file(path) {}
    bool open() { return m_file.open(QIODevice::WriteOnly | QIODevice::Truncate); }
    QByteArray &buffer() { return m_buffer; }
    bool maybeFlush()
    {
        if (m_buffer.size() < (4 << 20))
            return true;
        return flush();
    }
    bool flush()
    {
        if (m_buffer.isEmpty())
            return true;
        const bool ok = m_file.write(m_buffer) == m_buffer.size();
        m_buffer.clear();
        return ok;
    }
    bool close()
    {
        const bool ok = flush();
        m_file.close();
        return ok && m_file.error() == QFileDevice::NoError;
    }
    QString path() const { return m_file.fileName(); }

private:
    QFile m_file;
    QByteArray m_buffer;
};

const char kXmlHeader[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const char kMainNs[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char kRelNs[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

} // namespace

bool writeXlsx(const QString &path, const std::vector<XSheet> &sheets, const XlsxWriteOptions &options,
               QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (sheets.empty())
        return fail(QStringLiteral("a workbook needs at least one sheet"));

    QTemporaryDir tmp;
    if (!tmp.isValid())
        return fail(QStringLiteral("cannot create a temporary directory: %1").arg(tmp.errorString()));

    // In-memory parts (small) keep their bytes alive until zip_close().
    std::list<QByteArray> memoryParts;
    struct Part
    {
        QByteArray name;
        const QByteArray *data = nullptr; // in memory, or
        QString file;                     // a temporary file
    };
    std::vector<Part> parts;
    auto addMemory = [&](const char *name, QByteArray bytes) {
        memoryParts.push_back(std::move(bytes));
        parts.push_back(Part{QByteArray(name), &memoryParts.back(), {}});
    };

    // [Content_Types].xml
    {
        QByteArray x(kXmlHeader);
        x += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
             "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
             "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
             "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>";
        for (size_t i = 0; i < sheets.size(); ++i)
            x += "<Override PartName=\"/xl/worksheets/sheet" + QByteArray::number(qulonglong(i + 1))
                 + ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
        x += "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
             "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
             "</Types>";
        addMemory("[Content_Types].xml", x);
    }
    // _rels/.rels
    {
        QByteArray x(kXmlHeader);
        x += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
             "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
             "</Relationships>";
        addMemory("_rels/.rels", x);
    }
    // xl/workbook.xml and its relationships
    {
        QByteArray x(kXmlHeader);
        x += QByteArray("<workbook xmlns=\"") + kMainNs + "\" xmlns:r=\"" + kRelNs + "\">";
        x += options.date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>";
        x += "<sheets>";
        for (size_t i = 0; i < sheets.size(); ++i) {
            const QByteArray n = QByteArray::number(qulonglong(i + 1));
            x += "<sheet name=\"";
            appendEscaped(x, sheets[i].name);
            x += "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
        }
        x += "</sheets></workbook>";
        addMemory("xl/workbook.xml", x);

        QByteArray r(kXmlHeader);
        r += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
        for (size_t i = 0; i < sheets.size(); ++i) {
            const QByteArray n = QByteArray::number(qulonglong(i + 1));
            r += "<Relationship Id=\"rId" + n
                 + "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
                   "Target=\"worksheets/sheet" + n + ".xml\"/>";
        }
        r += "<Relationship Id=\"rId" + QByteArray::number(qulonglong(sheets.size() + 1))
             + "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>";
        r += "<Relationship Id=\"rId" + QByteArray::number(qulonglong(sheets.size() + 2))
             + "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>";
        r += "</Relationships>";
        addMemory("xl/_rels/workbook.xml.rels", r);
    }
    // xl/styles.xml: cellXfs 0 = General, 1 = the date format
    {
        QByteArray x(kXmlHeader);
        x += QByteArray("<styleSheet xmlns=\"") + kMainNs + "\">";
        QByteArray dateFmtId = "22";
        if (!options.useBuiltinDateFormat) {
            dateFmtId = "164";
            x += "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"";
            appendEscaped(x, options.dateFormatCode);
            x += "\"/></numFmts>";
        }
        x += "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
             "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
             "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
             "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
             "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
             "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
             "<xf numFmtId=\"" + dateFmtId + "\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
             "</cellXfs>"
             "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
             "</styleSheet>";
        addMemory("xl/styles.xml", x);
    }

    // Worksheets (streamed to temp files); shared strings collected on the way.
    QHash<QString, int> sharedIndex;
    QStringList sharedStrings;
    qint64 sharedRefs = 0;
    for (size_t s = 0; s < sheets.size(); ++s) {
        const XSheet &sheet = sheets[s];
        if (!sheet.rowNumbers.empty() && sheet.rowNumbers.size() != sheet.rows.size())
            return fail(QStringLiteral("sheet %1: rowNumbers must have one entry per row").arg(sheet.name));
        const QByteArray n = QByteArray::number(qulonglong(s + 1));
        ChunkedFile out(tmp.filePath(QStringLiteral("sheet%1.xml").arg(s + 1)));
        if (!out.open())
            return fail(QStringLiteral("cannot write a temporary file in %1").arg(tmp.path()));
        QByteArray &x = out.buffer();
        x += kXmlHeader;
        x += QByteArray("<worksheet xmlns=\"") + kMainNs + "\" xmlns:r=\"" + kRelNs + "\"><sheetData>";
        for (size_t r = 0; r < sheet.rows.size(); ++r) {
            const QByteArray rowNo = QByteArray::number(sheet.rowNumbers.empty() ? qlonglong(r + 1)
                                                                                 : qlonglong(sheet.rowNumbers[r]));
            x += "<row r=\"" + rowNo + "\">";
            const auto &cells = sheet.rows[r];
            for (size_t c = 0; c < cells.size(); ++c) {
                const XCell &cell = cells[c];
                if (cell.kind == XCell::Kind::Empty) {
                    if (sheet.omitCellRefs)
                        x += "<c/>"; // keeps the position when cells carry no reference
                    continue;
                }
                x += "<c";
                if (!sheet.omitCellRefs)
                    x += " r=\"" + columnName(int(c)) + rowNo + "\"";
                switch (cell.kind) {
                case XCell::Kind::Empty: break;
                case XCell::Kind::SharedString: {
                    auto it = sharedIndex.constFind(cell.text);
                    int idx;
                    if (it == sharedIndex.constEnd()) {
                        idx = int(sharedStrings.size());
                        sharedIndex.insert(cell.text, idx);
                        sharedStrings.append(cell.text);
                    } else {
                        idx = it.value();
                    }
                    ++sharedRefs;
                    x += " t=\"s\"><v>" + QByteArray::number(idx) + "</v></c>";
                    break;
                }
                case XCell::Kind::InlineString:
                    x += " t=\"inlineStr\"><is><t xml:space=\"preserve\">";
                    appendEscaped(x, cell.text);
                    x += "</t></is></c>";
                    break;
                case XCell::Kind::Number:
                    x += "><v>" + numberText(cell) + "</v></c>";
                    break;
                case XCell::Kind::Date:
                    x += " s=\"1\"><v>" + numberText(cell) + "</v></c>";
                    break;
                case XCell::Kind::Boolean:
                    x += cell.number != 0 ? " t=\"b\"><v>1</v></c>" : " t=\"b\"><v>0</v></c>";
                    break;
                case XCell::Kind::Error:
                    x += " t=\"e\"><v>";
                    appendEscaped(x, cell.text);
                    x += "</v></c>";
                    break;
                case XCell::Kind::FormulaString: {
                    // The formula is a string literal giving the same text; readers use the cached <v>.
                    QString formula = cell.text;
                    formula.replace(QLatin1Char('"'), QStringLiteral("\"\""));
                    x += " t=\"str\"><f>";
                    appendEscaped(x, QLatin1Char('"') + formula + QLatin1Char('"'));
                    x += "</f><v>";
                    appendEscaped(x, cell.text);
                    x += "</v></c>";
                    break;
                }
                }
            }
            x += "</row>";
            if (!out.maybeFlush())
                return fail(QStringLiteral("cannot write a temporary file in %1").arg(tmp.path()));
        }
        x += "</sheetData></worksheet>";
        if (!out.close())
            return fail(QStringLiteral("cannot write a temporary file in %1").arg(tmp.path()));
        parts.push_back(Part{"xl/worksheets/sheet" + n + ".xml", nullptr, out.path()});
    }
    {
        ChunkedFile out(tmp.filePath(QStringLiteral("sharedStrings.xml")));
        if (!out.open())
            return fail(QStringLiteral("cannot write a temporary file in %1").arg(tmp.path()));
        QByteArray &x = out.buffer();
        x += kXmlHeader;
        x += QByteArray("<sst xmlns=\"") + kMainNs + "\" count=\"" + QByteArray::number(sharedRefs)
             + "\" uniqueCount=\"" + QByteArray::number(sharedStrings.size()) + "\">";
        for (const QString &s : std::as_const(sharedStrings)) {
            x += "<si><t xml:space=\"preserve\">";
            appendEscaped(x, s);
            x += "</t></si>";
            if (!out.maybeFlush())
                return fail(QStringLiteral("cannot write a temporary file in %1").arg(tmp.path()));
        }
        x += "</sst>";
        if (!out.close())
            return fail(QStringLiteral("cannot write a temporary file in %1").arg(tmp.path()));
        parts.push_back(Part{"xl/sharedStrings.xml", nullptr, out.path()});
    }

    // The zip itself.
    QFile::remove(path);
    int zerr = 0;
    zip_t *za = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        const QString msg = QString::fromUtf8(zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return fail(QStringLiteral("cannot create %1: %2").arg(path, msg));
    }
    auto zipFail = [&](const QString &what) {
        const QString msg = QString::fromUtf8(zip_strerror(za));
        zip_discard(za);
        QFile::remove(path);
        return fail(QStringLiteral("%1: %2").arg(what, msg));
    };
    for (const Part &p : parts) {
        zip_source_t *src = p.data ? zip_source_buffer(za, p.data->constData(), zip_uint64_t(p.data->size()), 0)
                                   : zip_source_file(za, QFile::encodeName(p.file).constData(), 0, 0);
        if (!src)
            return zipFail(QStringLiteral("cannot add %1").arg(QString::fromUtf8(p.name)));
        const zip_int64_t idx = zip_file_add(za, p.name.constData(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
        if (idx < 0) {
            zip_source_free(src);
            return zipFail(QStringLiteral("cannot add %1").arg(QString::fromUtf8(p.name)));
        }
        // Fast deflate: fixtures can be large and tests should stay quick.
        zip_set_file_compression(za, zip_uint64_t(idx), ZIP_CM_DEFLATE, 1);
    }
    if (zip_close(za) != 0)
        return zipFail(QStringLiteral("cannot write %1").arg(path));
    return true;
}

} // namespace tt::test
