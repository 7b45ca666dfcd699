#pragma once
// The project file, internal to core/project (callers use Project::load/save).
//   projectfile.cpp: format 3 (2 still read), an SQLite database (libsqlite3) used as an application file format;
//   recordchunks.cpp: format 3's records, in chunks encoded and decoded on two threads;
//   projectjson.cpp: format 1, the JSON file of earlier versions (read and converted; written for tests only).
#include "project.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>
#include <map>
#include <string>
#include <vector>

namespace tt {

// What the file at `path` holds, as far as this process wrote or read it: shared by every copy of a Project
// (through a shared_ptr) so that the live project knows what a snapshot saved on a worker wrote. Revisions
// are Project::nextRevision() values: a part whose revision here equals the project's is on disk unchanged.
struct ProjectFileState
{
    QMutex mutex;              // held for a whole save: one writer per file state in this process
    QString path;              // absolute; empty: nothing on disk known
    QByteArray fileId;         // random, written in the file's meta on every full write
    qint64 serial = 0;         // the file's save counter as last written or read (another writer moves it)
    Project::Revisions revisions;
    QHash<QString, RecordKey> choices; // as on disk
    std::vector<RowEdit> edits;        // as on disk
    std::map<std::string, quint64> sectionHashes; // row id (section, whole, key) -> hash of the stored text
    std::map<std::string, quint64> caches;        // name -> revision on disk
};

class ProjectFile
{
public:
    static Project load(const QString &path);
    static void save(const Project &project, const QString &path);
    static void saveJsonV1(const Project &project, const QString &path);

private:
    static Project loadSqlite(const QString &path);
    static Project loadJsonV1(const QString &path, const char *data, qint64 size);
    static void convertJson(Project &project, const QString &path);
    static void writeFull(const Project &project, const QString &path, ProjectFileState &state);
    static bool writeChanges(const Project &project, const QString &path, ProjectFileState &state);
    friend struct ProjectWriter;
    friend struct ProjectReader;
};

quint64 nextRecordsRevisionCounter();
// projectjson.cpp: the JSON shapes both formats share (a source's description, lists of cells).
nlohmann::json sourceToJson(const SourceInfo &source);
SourceInfo sourceFromJson(const nlohmann::json &j); // throws nlohmann::json::exception on a wrong shape
nlohmann::json jsonStringList(const QStringList &list);
QStringList stringListFromJson(const nlohmann::json &j); // project.cpp: the counter behind Project::recordsRevision()

} // namespace tt
