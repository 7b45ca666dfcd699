// Format 1 of the project file: one JSON document (nlohmann_json), records streamed as arrays. Read (and then
// converted to format 2 by ProjectFile::load); written only by Project::saveJsonV1 for tests and fuzzing seeds.
#include "projectfile.h"

#include "common/errors.h"
#include "common/jsonnumber.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>
#include <QSet>

namespace tt {
namespace {

QString tr(const char *text) { return QCoreApplication::translate("tt::Project", text); }

std::string s(const QString &q) { return q.toStdString(); }
QString q(const nlohmann::json &j, const char *key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
        return {};
    return QString::fromStdString(it->get<std::string>());
}

nlohmann::json stringList(const QStringList &l)
{
    nlohmann::json a = nlohmann::json::array();
    for (const QString &x : l)
        a.push_back(s(x));
    return a;
}

QStringList stringListFrom(const nlohmann::json &j)
{
    QStringList out;
    if (j.is_array())
        for (const auto &x : j)
            out << (x.is_string() ? QString::fromStdString(x.get<std::string>()) : QString());
    return out;
}

// JSON string escaping for the hand-streamed records array.
void appendJsonString(QByteArray &out, const QString &value)
{
    const QByteArray u = value.toUtf8();
    out.append('"');
    for (char c : u) {
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
                out.append(buf);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
}

// Record layout in the file: one array per record, in this order (compact for 1M rows).
// [uuid, timestampMs, type, studentId, studentName, level, category, location, actionTaken, note,
//  teacherEmail, classCode, device, sourceIndex, sourceRow, flags]
void appendRecord(QByteArray &out, const IncidentRecord &r)
{
    out.append('[');
    appendJsonString(out, r.uuid);
    out.append(',').append(QByteArray::number(r.timestampMs)).append(',');
    out.append(r.type == RecordType::Incident ? "\"incident\"" : "\"commendation\"");
    for (const QString *f : {&r.studentId, &r.studentName, &r.level, &r.category, &r.location, &r.actionTaken,
                             &r.note, &r.teacherEmail, &r.classCode, &r.device}) {
        out.append(',');
        appendJsonString(out, *f);
    }
    out.append(',').append(QByteArray::number(r.sourceIndex));
    out.append(',').append(QByteArray::number(r.sourceRow));
    out.append(',').append(QByteArray::number(r.flags));
    out.append(']');
}

IncidentRecord recordFromJson(const nlohmann::json &a, QSet<QString> &interned)
{
    if (!a.is_array() || a.size() < 16)
        throw ProjectError(QCoreApplication::translate("tt::Project", "The project file is damaged: a record has the wrong shape."));
    auto str = [&](size_t i) { return QString::fromStdString(a[i].get<std::string>()); };
    auto shared = [&](size_t i) {
        const QString v = str(i);
        auto it = interned.constFind(v);
        return it != interned.constEnd() ? *it : *interned.insert(v);
    };
    IncidentRecord r;
    r.uuid = str(0);
    r.timestampMs = jsonWhole<qint64>(a[1], "a record's timestamp");
    r.type = a[2].get<std::string>() == "commendation" ? RecordType::Commendation : RecordType::Incident;
    r.studentId = str(3);
    r.studentName = shared(4);
    r.level = shared(5);
    r.category = shared(6);
    r.location = shared(7);
    r.actionTaken = shared(8);
    r.note = str(9);
    r.teacherEmail = shared(10);
    r.classCode = shared(11);
    r.device = shared(12);
    r.sourceIndex = jsonWhole<int>(a[13], "a record's source");
    r.sourceRow = jsonWhole<qint64>(a[14], "a record's row");
    r.flags = jsonWhole<quint16>(a[15], "a record's flags");
    return r;
}

} // namespace

nlohmann::json sourceToJson(const SourceInfo &src)
{
    return {{"path", s(src.path)},
            {"kind", s(src.kind)},
            {"sheet", s(src.sheet)},
            {"type", s(recordTypeKey(src.type))},
            {"sha256", s(src.sha256)},
            {"mapping", src.mapping.toJson()},
            {"mappingFromUser", src.mappingFromUser},
            {"encoding", s(src.encoding)},
            {"delimiter", s(src.delimiter)},
            {"counts", rowCountsToJson(src.counts)},
            {"notes", stringList(src.notes)},
            {"importedAt", s(src.importedAt.toUTC().toString(Qt::ISODateWithMs))},
            {"dateOrderUsed", s(dateOrderKey(src.dateOrderUsed))}};
}

SourceInfo sourceFromJson(const nlohmann::json &src)
{
    SourceInfo si;
    si.path = q(src, "path");
    si.kind = q(src, "kind");
    si.sheet = q(src, "sheet");
    si.type = q(src, "type") == u"commendation" ? RecordType::Commendation : RecordType::Incident;
    si.sha256 = q(src, "sha256");
    si.mapping = ColumnMapping::fromJson(src.value("mapping", nlohmann::json::object()));
    si.mappingFromUser = src.value("mappingFromUser", false);
    si.encoding = q(src, "encoding");
    si.delimiter = q(src, "delimiter");
    si.counts = rowCountsFromJson(src.value("counts", nlohmann::json::object()));
    si.notes = stringListFrom(src.value("notes", nlohmann::json::array()));
    si.importedAt = QDateTime::fromString(q(src, "importedAt"), Qt::ISODateWithMs);
    si.dateOrderUsed = dateOrderFromKey(q(src, "dateOrderUsed"));
    return si;
}

nlohmann::json jsonStringList(const QStringList &l)
{
    return stringList(l);
}

QStringList stringListFromJson(const nlohmann::json &j)
{
    return stringListFrom(j);
}

void ProjectFile::saveJsonV1(const Project &project, const QString &path)
{
    const Project &p = project;
    nlohmann::json j;
    j["format"] = "tracktally-recovery-project";
    j["version"] = 1;
    j["school"] = {{"name", s(p.m_school.name)}, {"domain", s(p.m_school.domain)}, {"timeZone", s(p.m_school.timeZone)}};
    j["dateOrder"] = s(dateOrderKey(p.m_dateOrder));
    nlohmann::json sources = nlohmann::json::array();
    for (const SourceInfo &src : p.m_sources)
        sources.push_back(sourceToJson(src));
    j["sources"] = sources;
    nlohmann::json quarantine = nlohmann::json::array();
    for (const QuarantinedRow &qr : *p.m_quarantine)
        quarantine.push_back({{"source", qr.sourceIndex},
                              {"row", qr.row},
                              {"field", s(qr.field)},
                              {"reason", s(qr.reason)},
                              {"cells", stringList(qr.cells)}});
    j["quarantine"] = quarantine;
    nlohmann::json warnings = nlohmann::json::array();
    for (const RowWarning &w : *p.m_warnings)
        warnings.push_back({{"source", w.sourceIndex}, {"row", w.row}, {"field", s(w.field)}, {"message", s(w.message)}});
    j["warnings"] = warnings;
    nlohmann::json dup = nlohmann::json::object();
    for (auto it = p.m_duplicateChoices.constBegin(); it != p.m_duplicateChoices.constEnd(); ++it)
        dup[s(it.key())] = {{"source", it->sourceIndex}, {"row", it->row}};
    nlohmann::json edits = nlohmann::json::array();
    for (const RowEdit &e : p.m_rowEdits)
        edits.push_back({{"sourceSha256", s(e.sourceSha256)}, {"sheet", s(e.sheet)}, {"row", e.row}, {"cells", stringList(e.cells)}});
    j["decisions"] = {{"duplicates", dup}, {"rowEdits", edits}};
    j["sections"] = p.m_sections;
    j["recordsRevision"] = p.recordsRevision().toHex().toStdString(); // caches are not kept in format 1

    // The records array is streamed by hand: a DOM of a million records would cost gigabytes.
    QByteArray head = QByteArray::fromStdString(j.dump(1));
    head.chop(head.size() - head.lastIndexOf('}'));
    head.append(",\n \"records\": [\n");

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw ProjectError(tr("Cannot write the project file %1: %2").arg(path, file.errorString()));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(head);
    QByteArray chunk;
    chunk.reserve(1 << 20);
    for (size_t i = 0; i < p.m_records->size(); ++i) {
        appendRecord(chunk, (*p.m_records)[i]);
        chunk.append(i + 1 < p.m_records->size() ? ",\n" : "\n");
        if (chunk.size() > (1 << 20) - 4096) {
            file.write(chunk);
            chunk.clear();
        }
    }
    chunk.append(" ]\n}\n");
    file.write(chunk);
    if (!file.commit())
        throw ProjectError(tr("Cannot save the project file %1: %2").arg(path, file.errorString()));
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

Project ProjectFile::loadJsonV1(const QString &path, const char *begin, qint64 size)
{
    Project p;
    QSet<QString> interned;
    std::string depth1Key;
    try {
        // Records are turned into IncidentRecords as they are parsed and dropped from the DOM.
        nlohmann::json::parser_callback_t cb = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json &parsed) {
            if (event == nlohmann::json::parse_event_t::key && depth == 1)
                depth1Key = parsed.get<std::string>();
            if (event == nlohmann::json::parse_event_t::array_end && depth == 2 && depth1Key == "records") {
                p.m_records.mut().push_back(recordFromJson(parsed, interned));
                return false;
            }
            return true;
        };
        nlohmann::json j = nlohmann::json::parse(begin, begin + size, cb);
        if (!j.is_object() || j.value("format", std::string()) != "tracktally-recovery-project")
            throw ProjectError(tr("%1 is not a TrackTally Recovery project file.").arg(path));
        const int version = jsonWholeAt<int>(j, "version", 0);
        if (version > 1) // format 2 and later are SQLite files
            throw ProjectError(tr("%1 was saved by a newer version of TrackTally Recovery (format %2); "
                                  "please update the application.")
                                   .arg(path)
                                   .arg(version));
        const auto &school = j["school"];
        p.m_school = SchoolInfo{q(school, "name"), q(school, "domain"), q(school, "timeZone")};
        p.m_dateOrder = dateOrderFromKey(q(j, "dateOrder"));
        for (const auto &src : j.value("sources", nlohmann::json::array()))
            p.m_sources.push_back(sourceFromJson(src));
        for (const auto &x : j.value("quarantine", nlohmann::json::array()))
            p.m_quarantine.mut().push_back(QuarantinedRow{jsonWholeAt<int>(x, "source", -1), jsonWholeAt<qint64>(x, "row", 0), q(x, "field"),
                                                    q(x, "reason"), stringListFrom(x.value("cells", nlohmann::json::array()))});
        for (const auto &x : j.value("warnings", nlohmann::json::array()))
            p.m_warnings.mut().push_back(RowWarning{jsonWholeAt<int>(x, "source", -1), jsonWholeAt<qint64>(x, "row", 0), q(x, "field"), q(x, "message")});
        const auto decisions = j.value("decisions", nlohmann::json::object());
        const nlohmann::json duplicates = decisions.value("duplicates", nlohmann::json::object());
        for (const auto &[uuid, key] : duplicates.items())
            p.m_duplicateChoices.insert(QString::fromStdString(uuid),
                                        RecordKey{jsonWholeAt<int>(key, "source", -1), jsonWholeAt<qint64>(key, "row", 0)});
        for (const auto &e : decisions.value("rowEdits", nlohmann::json::array()))
            p.m_rowEdits.push_back(RowEdit{q(e, "sourceSha256"), q(e, "sheet"), jsonWholeAt<qint64>(e, "row", 0),
                                           stringListFrom(e.value("cells", nlohmann::json::array()))});
        p.m_sections = j.value("sections", nlohmann::json::object());
        p.m_loadedRevision = QByteArray::fromHex(q(j, "recordsRevision").toLatin1());
        if (p.m_loadedRevision.isEmpty()) // an older file: a revision of its own from now on
            p.m_revisionCounter = nextRecordsRevisionCounter();
    } catch (const nlohmann::json::exception &e) {
        throw ProjectError(tr("The project file %1 is damaged and cannot be read (%2). If you have a copy, "
                              "open that one.")
                               .arg(path, QString::fromUtf8(e.what())));
    }
    for (const IncidentRecord &r : *p.m_records)
        if (r.sourceIndex < 0 || size_t(r.sourceIndex) >= p.m_sources.size())
            throw ProjectError(tr("The project file %1 is damaged: a record refers to a source it does not list.").arg(path));
    return p;
}

} // namespace tt
