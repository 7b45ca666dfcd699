#pragma once
// Files that hold children's data or a school's whole database (reports, exports, backups, plans, projects)
// are readable by their owner only: written 0600, atomically, in folders this program creates 0700.
// A folder that already exists keeps its permissions (it may be the administrator's own Documents).
#include <QByteArray>
#include <QSaveFile>
#include <QString>

namespace tt {

// Creates dir (and missing parents) with mode 0700 for every folder it creates. Throws UserError naming
// the folder when it cannot.
void makePrivateDir(const QString &dir);

// An atomic writer (QSaveFile) whose file is 0600 from the moment it exists, before any byte is written;
// its folder is created with makePrivateDir. Nothing is left behind unless commit() succeeds.
class PrivateFile
{
public:
    // Throws UserError naming the file when it cannot be created.
    explicit PrivateFile(const QString &path);
    QSaveFile &device() { return m_file; }
    void write(const QByteArray &bytes);
    // Throws UserError naming the file (disk full, permission denied).
    void commit();

private:
    QString m_path;
    QSaveFile m_file;
};

// The whole file in one call. Throws UserError naming the file.
void writePrivateFile(const QString &path, const QByteArray &bytes);

// Creates path as a new, empty file readable by its owner only (0600 from the moment it exists), for another
// program (pg_dump) to write into; its folder is created with makePrivateDir. Throws UserError naming the file
// when it cannot, or when something already has that name.
void createPrivateEmptyFile(const QString &path);

} // namespace tt
