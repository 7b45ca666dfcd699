#include "recordvalidator.h"
#include "uuidtext.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QUuid>
#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif
#include <bit>
#include <climits>
#include <cmath>

namespace tt {
namespace {

QString tr(const char *text) { return QCoreApplication::translate("tt::RecordValidator", text); }

// A value shown inside a message: quoted, and cut when long.
QString shown(const QString &v)
{
    QString s = v.simplified();
    if (s.size() > 40)
        s = s.left(37) + QStringLiteral("...");
    return QLatin1Char('\'') + s + QLatin1Char('\'');
}

const QUuid &recoveryNamespace()
{
    // Namespace of the v5 ids made for rows that lost their uuid (fixed forever: re-imports give the same id).
    static const QUuid ns(QStringLiteral("{6f1c4a52-2b7e-4d8a-9c33-7a51e0d2b9a4}"));
    return ns;
}

// A string the record keeps for good: its own block of exactly its size. The text a reader hands over may share
// a cell buffer that grew for longer values (or will be regrown for the next row's); kept as it is, every record
// would hold that slack.
QString exact(const QString &s)
{
    if (s.isEmpty() || s.capacity() == s.size())
        return s;
    return QString(s.constData(), s.size());
}

// toLower() without its per-character case tables when the text is ASCII with no capital (the usual e-mail
// address and uuid): then it is returned as it is, shared.
QString lowered(const QString &text)
{
    const char16_t *s = reinterpret_cast<const char16_t *>(text.constData());
    for (qsizetype i = 0, n = text.size(); i < n; ++i)
        if (s[i] >= 0x80 || (s[i] >= u'A' && s[i] <= u'Z'))
            return text.toLower();
    return text;
}

bool isHex(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'f');
}

// The text of a cell without copying it: a text cell's own string (every CSV cell), else `holder` made from it.
QStringView textOf(const Cell &c, QString &holder)
{
    if (c.kind == Cell::Kind::Text || c.kind == Cell::Kind::Error)
        return c.text;
    holder = RecordValidator::cellText(c);
    return holder;
}

// QStringView::trimmed() without its call when the ends are plain ASCII (the usual cell).
QStringView trimmedView(QStringView t)
{
    auto plain = [](char16_t c) { return c > u' ' && c < 0x7f; };
    if (t.isEmpty() || (plain(t.front().unicode()) && plain(t.back().unicode())))
        return t;
    return t.trimmed();
}

bool has(QStringView t, char16_t c)
{
    for (QChar x : t)
        if (x.unicode() == c)
            return true;
    return false;
}

// What an e-mail address needs here: an '@', not first or last, and no space.
bool isAddress(QStringView t)
{
    bool at = false;
    for (QChar c : t) {
        if (c.unicode() == u' ')
            return false;
        at = at || c.unicode() == u'@';
    }
    return at && t.front() != u'@' && t.back() != u'@';
}

// Whether the address is ASCII without a capital (what toLower() leaves as it is), and isAddress(), in one pass.
struct EmailShape
{
    bool lowerAscii = true;
    bool address = false;
};
EmailShape emailShape(QStringView t)
{
    bool at = false, space = false, other = false;
    for (QChar c : t) {
        const char16_t u = c.unicode();
        other = other || u >= 0x80 || (u >= u'A' && u <= u'Z');
        space = space || u == u' ';
        at = at || u == u'@';
    }
    return {!other, at && !space && t.front() != u'@' && t.back() != u'@'};
}

// Could be a spreadsheet error ("#REF!"): the cheap test before RecordValidator::isSpreadsheetError().
bool mayBeError(QStringView t) { return t.size() >= 4 && t.front() == u'#'; }

// Trimmed text that simplified() leaves as it is: no whitespace but single spaces.
bool isSimple(QStringView trimmed)
{
    bool afterSpace = false;
    for (QChar c : trimmed) {
        if (c.unicode() > u' ' && c.unicode() < 0x7f) { // visible ASCII: most of a name
            afterSpace = false;
            continue;
        }
        const bool space = c.isSpace();
        if (space && (afterSpace || c.unicode() != u' '))
            return false;
        afterSpace = space;
    }
    return true;
}

} // namespace

RecordValidator::RecordValidator(ValidationContext ctx) : m_ctx(std::move(ctx)), m_parser(m_ctx.zone) {}

void RecordValidator::reserve(qint64 rows)
{
    m_records.reserve(size_t(std::max<qint64>(0, rows)));
#ifdef Q_OS_LINUX
    // A large file's records fill tens of MB: in 2 MB pages where the system offers them on request
    // (transparent huge pages in "madvise" mode), a few dozen page faults instead of one per 4 KB.
    constexpr size_t huge = size_t(2) << 20;
    const auto from = (reinterpret_cast<quintptr>(m_records.data()) + huge - 1) & ~quintptr(huge - 1);
    const auto to = reinterpret_cast<quintptr>(m_records.data() + m_records.capacity()) & ~quintptr(huge - 1);
    if (to > from)
        madvise(reinterpret_cast<void *>(from), to - from, MADV_HUGEPAGE);
#endif
}

void RecordValidator::setSourceIndex(int sourceIndex)
{
    m_ctx.sourceIndex = sourceIndex;
    for (IncidentRecord &r : m_records)
        r.sourceIndex = sourceIndex;
    for (QuarantinedRow &q : m_quarantine)
        q.sourceIndex = sourceIndex;
    for (RowWarning &w : m_warnings)
        w.sourceIndex = sourceIndex;
}

QString RecordValidator::where(qint64 row) const
{
    return tr("%1 row %2").arg(m_ctx.sourceName).arg(row);
}

bool RecordValidator::isSpreadsheetError(const QString &text)
{
    if (text.size() < 4 || text.at(0) != u'#')
        return false;
    static const char *const errors[] = {"#ERROR!", "#VALUE!", "#NAME?", "#REF!", "#N/A", "#DIV/0!",
                                         "#NUM!",   "#NULL!",  "#SPILL!", "#CALC!", "#GETTING_DATA"};
    const QString t = text.trimmed();
    for (const char *e : errors)
        if (t.compare(QLatin1String(e), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QString RecordValidator::cellText(const Cell &c)
{
    switch (c.kind) {
    case Cell::Kind::Empty: return {};
    case Cell::Kind::Boolean: return c.number != 0 ? QStringLiteral("TRUE") : QStringLiteral("FALSE");
    case Cell::Kind::Number:
    case Cell::Kind::DateTime:
        return c.text.isEmpty() ? QString::number(c.number, 'g', 15) : c.text;
    case Cell::Kind::Text:
    case Cell::Kind::Error: return c.text;
    }
    return {};
}

QStringList RecordValidator::quarantineExcerpt(const SheetRow &row, const ColumnMapping &mapping)
{
    const size_t kept = std::min(row.cells.size(), size_t(std::max(0, mapping.keptColumns())));
    QStringList cells;
    cells.reserve(qsizetype(kept));
    for (size_t i = 0; i < kept; ++i) {
        QString text = cellText(row.cells[i]);
        if (text.size() > ExcerptChars && !mapping.isMapped(int(i))) {
            text.truncate(ExcerptChars - 1);
            text += u'\u2026';
        }
        cells << text;
    }
    while (!cells.isEmpty() && cells.constLast().isEmpty())
        cells.removeLast();
    return cells;
}

QString RecordValidator::normaliseStudentId(const Cell &cell, bool *fromNumber, bool *ok)
{
    *fromNumber = false;
    *ok = true;
    QString t = cellText(cell).trimmed();
    if (cell.kind == Cell::Kind::Number || cell.kind == Cell::Kind::DateTime) {
        *fromNumber = true;
        const double v = cell.number;
        if (std::isfinite(v) && v >= 0 && v < 1e15 && std::floor(v) == v)
            return QString::number(qint64(v));
        *ok = false; // 3430.5: keep what the sheet shows, and say so
        return t;
    }
    // Text that a spreadsheet wrote as a number: "3430.0", "3430.00" -> "3430".
    const qsizetype dot = t.indexOf(u'.');
    if (dot > 0) {
        bool digitsBefore = true, zerosAfter = dot + 1 < t.size();
        for (qsizetype i = 0; i < dot; ++i)
            digitsBefore = digitsBefore && t.at(i).isDigit();
        for (qsizetype i = dot + 1; i < t.size(); ++i)
            zerosAfter = zerosAfter && t.at(i) == u'0';
        if (digitsBefore && zerosAfter) {
            *fromNumber = true;
            return t.left(dot);
        }
    }
    return t;
}

std::optional<QString> RecordValidator::normaliseUuid(const QString &text)
{
    QString t = lowered(text.trimmed());
    if (t.startsWith(u'{') && t.endsWith(u'}'))
        t = t.mid(1, t.size() - 2);
    if (t.size() != 36)
        return std::nullopt;
    for (int i = 0; i < 36; ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? t.at(i) != u'-' : !isHex(t.at(i)))
            return std::nullopt;
    }
    return t;
}

QString RecordValidator::generatedUuid(const IncidentRecord &r)
{
    QByteArray data;
    data.reserve(256);
    const QChar sep(0x1f);
    const QString content = recordTypeKey(r.type) + sep + QString::number(r.timestampMs) + sep + r.studentId + sep
                            + r.studentName + sep + r.level + sep + r.category + sep + r.location + sep
                            + r.actionTaken + sep + r.note + sep + r.teacherEmail + sep + r.classCode + sep + r.device;
    return QUuid::createUuidV5(recoveryNamespace(), content.toUtf8()).toString(QUuid::WithoutBraces);
}

quint64 RecordValidator::InternTable::hashOf(const QString &s)
{
    return hashOf(QStringView(s));
}

quint64 RecordValidator::InternTable::hashOf(QStringView s)
{
    // Four independent lanes of 8 bytes (32 bytes a step: notes and user agents are long), then 8 bytes a step,
    // then the tail; a full 64-bit mix at the end, as the table indexes by the low bits.
    const char *p = reinterpret_cast<const char *>(s.data());
    size_t n = size_t(s.size()) * 2;
    constexpr quint64 k1 = 0xFF51AFD7ED558CCDull, k2 = 0xC4CEB9FE1A85EC53ull;
    quint64 h = 0x9E3779B97F4A7C15ull ^ n;
    if (n >= 32) {
        quint64 a = h, b = h ^ k1, c = h ^ k2, d = ~h;
        for (; n >= 32; n -= 32, p += 32) {
            quint64 w[4];
            std::memcpy(w, p, 32);
            a = (a ^ w[0]) * k1;
            b = (b ^ w[1]) * k1;
            c = (c ^ w[2]) * k1;
            d = (d ^ w[3]) * k1;
            a ^= a >> 29;
            b ^= b >> 29;
            c ^= c >> 29;
            d ^= d >> 29;
        }
        h = (a ^ std::rotl(b, 17) ^ std::rotl(c, 31) ^ std::rotl(d, 47)) * k2;
    }
    for (; n >= 8; n -= 8, p += 8) {
        quint64 w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * k1;
        h ^= h >> 29;
    }
    quint64 w = 0; // the last 0, 2, 4 or 6 bytes
    if (n & 4) {
        quint32 x;
        std::memcpy(&x, p, 4);
        w = x;
        p += 4;
    }
    if (n & 2) {
        quint16 x;
        std::memcpy(&x, p, 2);
        w |= quint64(x) << 32;
    }
    h = (h ^ w) * k2;
    h ^= h >> 33;
    h *= k1;
    return h ^ (h >> 33);
}

void RecordValidator::InternTable::grow()
{
    std::vector<Slot> old = std::move(m_slots);
    m_slots = std::vector<Slot>(old.empty() ? 16 : old.size() * 2);
    const size_t mask = m_slots.size() - 1;
    for (Slot &o : old) {
        if (!o.used)
            continue;
        size_t i = size_t(o.hash) & mask;
        while (m_slots[i].used)
            i = (i + 1) & mask;
        m_slots[i] = std::move(o);
    }
}

const QString &RecordValidator::InternTable::intern(const QString &s)
{
    return insert(s, &s);
}

const QString &RecordValidator::InternTable::intern(QStringView s)
{
    return insert(s, nullptr);
}

// The string equal to `s` in the table, added when new: `owner` (a string holding exactly s) kept when given,
// else a copy of s of exactly its size.
const QString &RecordValidator::InternTable::insert(QStringView s, const QString *owner)
{
    if ((m_used + 1) * 2 > m_slots.size()) // at most half full: probes stay short
        grow();
    const quint64 h = hashOf(s);
    const size_t mask = m_slots.size() - 1;
    size_t i = size_t(h) & mask;
    for (; m_slots[i].used; i = (i + 1) & mask) {
        const Slot &slot = m_slots[i];
        if (slot.hash == h && slot.text.size() == s.size()
            && (s.isEmpty() || std::memcmp(slot.text.constData(), s.data(), size_t(s.size()) * 2) == 0))
            return slot.text;
    }
    m_slots[i] = Slot{h, owner ? exact(*owner) : s.toString(), true};
    ++m_used;
    return m_slots[i].text;
}

bool RecordValidator::quarantineRow(const SheetRow &row, Field field, const QString &reason)
{
    QuarantinedRow q;
    q.sourceIndex = m_ctx.sourceIndex;
    q.row = row.number;
    q.field = fieldKey(field);
    q.reason = where(row.number) + QStringLiteral(": ") + reason;
    qint64 notKept = row.cellsBeyond;
    for (size_t i = size_t(std::max(0, m_ctx.mapping.keptColumns())); i < row.cells.size(); ++i)
        notKept += row.cells[i].isEmpty() ? 0 : 1;
    if (notKept > 0)
        q.reason += QCoreApplication::translate("tt::RecordValidator",
                                               " (%n value(s) to the right of column %1 not kept: no field is mapped there)",
                                               nullptr, int(std::min<qint64>(notKept, INT_MAX)))
                        .arg(columnLetter(m_ctx.mapping.keptColumns() - 1));
    q.cells = quarantineExcerpt(row, m_ctx.mapping);
    m_quarantine.push_back(std::move(q));
    ++m_quarantined;
    return false;
}

void RecordValidator::warn(qint64 row, Field field, const QString &message)
{
    m_warnings.push_back(RowWarning{m_ctx.sourceIndex, row, fieldKey(field), where(row) + QStringLiteral(": ") + message});
}

namespace {
const Cell emptyCell; // what an unmapped column or a short row holds
} // namespace

const Cell &RecordValidator::cellOf(const SheetRow &row, Field f) const
{
    const int col = m_ctx.mapping.column(f);
    if (col < 0 || size_t(col) >= row.cells.size())
        return emptyCell;
    return row.cells[size_t(col)];
}

bool RecordValidator::countAsData(const SheetRow &row)
{
    if (row.isBlank()) {
        ++m_blank;
        return false;
    }
    if (!m_sawFirstRow) {
        m_sawFirstRow = true;
        if (m_ctx.mapping.hasHeader()) {
            ++m_header;
            return false;
        }
    }
    // A header pasted again further down (two exports glued together) is a header, not data.
    if (ColumnMapping::looksLikeHeader(row)) {
        ++m_header;
        return false;
    }
    ++m_read;
    return true;
}

bool RecordValidator::readIdentity(const SheetRow &row, IncidentRecord &r, bool &needsUuid)
{
    // Required text fields: student name and teacher email. The usual cell (clean text) is read in place; one
    // that needs more (whitespace to fold, capitals, braces) takes the general way.
    QString holder;
    const Cell &nameCell = cellOf(row, Field::StudentName);
    const QStringView nameText = textOf(nameCell, holder);
    if (nameCell.kind == Cell::Kind::Error || (mayBeError(nameText) && isSpreadsheetError(nameText.toString())))
        return quarantineRow(row, Field::StudentName,
                             tr("student name holds the spreadsheet error %1").arg(nameText.trimmed()));
    const QStringView name = trimmedView(nameText);
    // a student has many logs: one string per name
    r.studentName = isSimple(name) ? intern(Field::StudentName, name)
                                   : intern(Field::StudentName, nameText.toString().simplified());
    if (r.studentName.isEmpty())
        return quarantineRow(row, Field::StudentName, tr("student name is missing"));

    const Cell &emailCell = cellOf(row, Field::TeacherEmail);
    const QStringView emailText = textOf(emailCell, holder);
    if (emailCell.kind == Cell::Kind::Error || (mayBeError(emailText) && isSpreadsheetError(emailText.toString())))
        return quarantineRow(row, Field::TeacherEmail,
                             tr("teacher email holds the spreadsheet error %1").arg(emailText.trimmed()));
    QStringView email = trimmedView(emailText);
    QString lower;
    const EmailShape shape = emailShape(email);
    if (!shape.lowerAscii) {
        lower = email.toString().toLower();
        email = lower;
    }
    if (email.isEmpty())
        return quarantineRow(row, Field::TeacherEmail, tr("teacher email is missing"));
    if (shape.lowerAscii ? !shape.address : !isAddress(email))
        return quarantineRow(row, Field::TeacherEmail,
                             tr("teacher email %1 is not an e-mail address").arg(shown(emailText.toString())));
    r.teacherEmail = intern(Field::TeacherEmail, email);

    // The uuid: malformed is quarantined; missing is made from the content once the timestamp is known.
    const Cell &uuidCell = cellOf(row, Field::Uuid);
    const QStringView uuidText = textOf(uuidCell, holder);
    needsUuid = false;
    if (uuidCell.kind == Cell::Kind::Error || (mayBeError(uuidText) && isSpreadsheetError(uuidText.toString()))) {
        needsUuid = true;
        warn(row.number, Field::Uuid,
             tr("uuid holds the spreadsheet error %1; a stable id was made from the row's content")
                 .arg(uuidText.trimmed()));
    } else if (trimmedView(uuidText).isEmpty()) {
        needsUuid = true;
    } else if (const QStringView t = trimmedView(uuidText); isCanonicalUuid(t)) {
        // the cell's own string when it is exactly the uuid (a workbook's shared string: kept once, not copied)
        r.uuid = uuidCell.kind == Cell::Kind::Text && t.size() == uuidCell.text.size() ? exact(uuidCell.text)
                                                                                       : t.toString();
    } else if (auto u = normaliseUuid(uuidText.toString())) {
        r.uuid = exact(*u);
    } else {
        return quarantineRow(row, Field::Uuid, tr("uuid %1 is not a valid UUID").arg(shown(uuidText.toString())));
    }
    return true;
}

void RecordValidator::readStudentId(const SheetRow &row, IncidentRecord &r)
{
    const Cell &c = cellOf(row, Field::StudentId);
    QString holder;
    const QStringView t = textOf(c, holder);
    if (c.kind == Cell::Kind::Error || (mayBeError(t) && isSpreadsheetError(t.toString()))) {
        warn(row.number, Field::StudentId, tr("student ID holds the spreadsheet error %1 and was left empty").arg(t.trimmed()));
        r.flags |= IncidentRecord::HasWarnings;
        return;
    }
    if (c.kind == Cell::Kind::Text && !has(t, u'.')) { // the usual "3430": as it is, trimmed
        r.studentId = intern(Field::StudentId, trimmedView(t));
        return;
    }
    bool fromNumber = false, ok = true;
    r.studentId = intern(Field::StudentId, normaliseStudentId(c, &fromNumber, &ok));
    if (fromNumber)
        r.flags |= IncidentRecord::StudentIdFromNumber;
    if (!ok) {
        warn(row.number, Field::StudentId, tr("student ID %1 is not a whole number").arg(shown(t.toString())));
        r.flags |= IncidentRecord::HasWarnings;
    }
}

void RecordValidator::readOptionalFields(const SheetRow &row, IncidentRecord &r)
{
    // Optional fields: a spreadsheet error empties the field and leaves a warning.
    QString holder;
    auto optional = [&](Field f) -> QString {
        const Cell &c = cellOf(row, f);
        const QStringView t = textOf(c, holder);
        if (c.kind == Cell::Kind::Error || (mayBeError(t) && isSpreadsheetError(t.toString()))) {
            warn(row.number, f, tr("%1 holds the spreadsheet error %2 and was left empty").arg(fieldTitle(f), t.trimmed()));
            r.flags |= IncidentRecord::HasWarnings;
            return {};
        }
        return intern(f, trimmedView(t));
    };
    readStudentId(row, r);
    r.level = optional(Field::Level);
    r.category = optional(Field::Category);
    r.location = optional(Field::Location);
    r.actionTaken = optional(Field::ActionTaken);
    r.note = optional(Field::Note); // notes repeat too ("Spoke to the student"): equal ones share a string
    r.classCode = optional(Field::ClassCode);
    r.device = optional(Field::Device);
    for (Field f : {Field::Level, Field::Category, Field::Location}) {
        if ((f == Field::Level ? r.level : f == Field::Category ? r.category : r.location).isEmpty()) {
            warn(row.number, f, tr("%1 is empty").arg(fieldTitle(f)));
            r.flags |= IncidentRecord::HasWarnings;
        }
    }
}

RecordValidator::Stamp RecordValidator::readTimestamp(const SheetRow &row, IncidentRecord &r, LocalDateParts &pending)
{
    const Cell &tsCell = cellOf(row, Field::Timestamp);
    QString holder;
    const QStringView tsText = textOf(tsCell, holder);
    auto refuse = [&](const QString &reason) {
        quarantineRow(row, Field::Timestamp, reason);
        return Stamp::Quarantined;
    };
    if (tsCell.kind == Cell::Kind::Error || (mayBeError(tsText) && isSpreadsheetError(tsText.toString())))
        return refuse(tr("timestamp holds the spreadsheet error %1").arg(tsText.trimmed()));
    if (tsText.trimmed().isEmpty())
        return refuse(tr("timestamp is missing"));
    if (tsCell.kind == Cell::Kind::DateTime || tsCell.kind == Cell::Kind::Number) {
        auto ms = m_parser.fromSerial(tsCell.number);
        if (!ms)
            return refuse(tr("timestamp %1 is a number, not a date").arg(shown(tsText.toString())));
        r.timestampMs = *ms;
        r.flags |= IncidentRecord::TimestampSerial;
    } else if (auto iso = TimestampParser::parseIsoUtc(tsText)) {
        r.timestampMs = *iso;
    } else if (auto parts = TimestampParser::parseLocal(tsText)) {
        r.flags |= IncidentRecord::TimestampLocal;
        if (parts->yearFirst) {
            auto ms = m_parser.resolveLocal(*parts, DateOrder::DayFirst);
            if (!ms)
                return refuse(tr("timestamp %1 is not a real date").arg(shown(tsText.toString())));
            r.timestampMs = *ms;
        } else {
            // Day and month stay open until the whole column is read: the column, not the row, decides.
            const bool dayFirstOk = validDate(parts->year, parts->second, parts->first);
            const bool monthFirstOk = validDate(parts->year, parts->first, parts->second);
            if (!dayFirstOk && !monthFirstOk)
                return refuse(tr("timestamp %1 is not a real date").arg(shown(tsText.toString())));
            if (dayFirstOk && !monthFirstOk)
                ++m_dmyEvidence;
            if (monthFirstOk && !dayFirstOk)
                ++m_mdyEvidence;
            pending = *parts;
            return Stamp::Pending;
        }
    } else {
        bool isNumber = false;
        const double serial = tsText.trimmed().toDouble(&isNumber);
        std::optional<qint64> ms;
        if (isNumber)
            ms = m_parser.fromSerial(serial);
        if (!ms)
            return refuse(tr("timestamp %1 is not a date").arg(shown(tsText.toString())));
        r.timestampMs = *ms;
        r.flags |= IncidentRecord::TimestampSerial;
    }
    return Stamp::Resolved;
}

void RecordValidator::add(const SheetRow &row)
{
    // The steps of one row: is it data; who and which log (quarantined when unusable); the optional fields
    // (a spreadsheet error only empties the field); when (held back while the column's date order is open).
    if (!countAsData(row))
        return;
    // Read straight into its place in the list (no move of a finished record); taken back when quarantined.
    IncidentRecord &r = m_records.emplace_back();
    r.type = m_ctx.type;
    r.sourceIndex = m_ctx.sourceIndex;
    r.sourceRow = row.number;
    bool needsUuid = false;
    if (!readIdentity(row, r, needsUuid)) {
        m_records.pop_back();
        return;
    }
    readOptionalFields(row, r);
    LocalDateParts parts;
    switch (readTimestamp(row, r, parts)) {
    case Stamp::Quarantined:
        m_records.pop_back();
        return;
    case Stamp::Pending:
        m_pending.push_back(
            Pending{m_records.size() - 1, parts, cellText(cellOf(row, Field::Timestamp)).trimmed(), needsUuid});
        return;
    case Stamp::Resolved:
        break;
    }
    if (needsUuid) {
        r.uuid = generatedUuid(r);
        r.flags |= IncidentRecord::UuidGenerated;
    }
}

void RecordValidator::finish()
{
    if (m_pending.empty()) {
        m_orderUsed = m_ctx.order == DateOrder::Auto ? m_ctx.fallbackOrder : m_ctx.order;
        return;
    }
    const QString dmy = tr("day/month/year");
    const QString mdy = tr("month/day/year");
    DateOrder order = m_ctx.order;
    if (order != DateOrder::Auto) {
        m_notes << tr("%1: dates typed into the sheet were read as %2, as the project setting says.")
                       .arg(m_ctx.sourceName, order == DateOrder::DayFirst ? dmy : mdy);
    } else if (m_dmyEvidence > 0 && m_mdyEvidence == 0) {
        order = DateOrder::DayFirst;
        m_notes << tr("%1: dates typed into the sheet are %2 (%3 dates can only be read that way).")
                       .arg(m_ctx.sourceName, dmy).arg(m_dmyEvidence);
    } else if (m_mdyEvidence > 0 && m_dmyEvidence == 0) {
        order = DateOrder::MonthFirst;
        m_notes << tr("%1: dates typed into the sheet are %2 (%3 dates can only be read that way).")
                       .arg(m_ctx.sourceName, mdy).arg(m_mdyEvidence);
    } else if (m_mdyEvidence == 0 && m_dmyEvidence == 0) {
        order = m_ctx.fallbackOrder;
        m_notes << tr("%1: %2 dates typed into the sheet could be day/month or month/day; they were read as %3, "
                      "the school's usual order. Check a few against TrackTally, or set the date order in the "
                      "project.")
                       .arg(m_ctx.sourceName)
                       .arg(m_pending.size())
                       .arg(order == DateOrder::DayFirst ? dmy : mdy);
    } else {
        order = m_dmyEvidence > m_mdyEvidence ? DateOrder::DayFirst
                : m_mdyEvidence > m_dmyEvidence ? DateOrder::MonthFirst
                                                : m_ctx.fallbackOrder;
        m_notes << tr("%1: dates typed into the sheet disagree: %2 can only be day/month, %3 only month/day. "
                      "They were read as %4; the dates that do not fit are quarantined.")
                       .arg(m_ctx.sourceName)
                       .arg(m_dmyEvidence)
                       .arg(m_mdyEvidence)
                       .arg(order == DateOrder::DayFirst ? dmy : mdy);
    }
    m_orderUsed = order;

    m_removed.assign(m_records.size(), false);
    bool anyRemoved = false;
    for (const Pending &p : m_pending) {
        IncidentRecord &r = m_records[p.recordIndex];
        auto ms = m_parser.resolveLocal(p.parts, order);
        if (!ms) {
            // Rebuild the row from what was read, so it can be fixed in place.
            SheetRow row;
            row.number = r.sourceRow;
            int maxCol = -1;
            for (Field f : allFields())
                maxCol = std::max(maxCol, m_ctx.mapping.column(f));
            row.cells.resize(size_t(maxCol + 1));
            for (Field f : allFields()) {
                const int col = m_ctx.mapping.column(f);
                if (col >= 0)
                    row.cells[size_t(col)] = Cell::makeText(f == Field::Timestamp ? p.original : r.value(f));
            }
            quarantineRow(row, Field::Timestamp,
                          tr("timestamp %1 does not fit the %2 order of the other dates in this column")
                              .arg(shown(p.original), order == DateOrder::DayFirst ? dmy : mdy));
            m_removed[p.recordIndex] = true;
            anyRemoved = true;
            continue;
        }
        r.timestampMs = *ms;
        if (p.needsUuid) {
            r.uuid = generatedUuid(r);
            r.flags |= IncidentRecord::UuidGenerated;
        }
    }
    m_pending.clear();
    if (anyRemoved) {
        size_t out = 0;
        for (size_t i = 0; i < m_records.size(); ++i)
            if (!m_removed[i])
                m_records[out++] = std::move(m_records[i]);
        m_records.resize(out);
    }
    m_removed.clear();
}

void RecordValidator::append(RecordValidator &&later)
{
    const size_t offset = m_records.size();
    m_records.reserve(offset + later.m_records.size());
    std::move(later.m_records.begin(), later.m_records.end(), std::back_inserter(m_records));
    std::move(later.m_quarantine.begin(), later.m_quarantine.end(), std::back_inserter(m_quarantine));
    std::move(later.m_warnings.begin(), later.m_warnings.end(), std::back_inserter(m_warnings));
    m_pending.reserve(m_pending.size() + later.m_pending.size());
    for (Pending &p : later.m_pending) {
        p.recordIndex += offset;
        m_pending.push_back(std::move(p));
    }
    m_notes << later.m_notes;
    m_read += later.m_read;
    m_blank += later.m_blank;
    m_header += later.m_header;
    m_quarantined += later.m_quarantined;
    m_dmyEvidence += later.m_dmyEvidence;
    m_mdyEvidence += later.m_mdyEvidence;
    m_sawFirstRow = m_sawFirstRow || later.m_sawFirstRow;
    later.m_records = {}; // its memory is freed now, not when it is destroyed
    later.m_quarantine = {};
    later.m_warnings = {};
    later.m_pending = {};
}

RowCounts RecordValidator::counts() const
{
    RowCounts c;
    c.read = m_read;
    c.quarantined = m_quarantined;
    c.blank = m_blank;
    c.headerRows = m_header;
    c.accepted = qint64(m_records.size());
    return c;
}

} // namespace tt
