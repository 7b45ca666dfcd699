#pragma once
// The demo school (an invented school, Wattle Grove Primary) the way script/demo runs it: its sheet exports
// (incidents.csv, commendations.csv), its roster and its staff list, imported into a fresh demo project.
// The files are resources/demo in a source tree, <prefix>/share/tracktally-recovery/demo when installed.
#include "project/schoolinfo.h"

#include <QString>

namespace tt {

class RecoverySession;

class DemoSchool
{
public:
    // The folder holding the demo exports (empty when neither the installed nor the source copy is there).
    static QString dataDir();
    static SchoolInfo school();
    // Where the GUI keeps its demo project (a folder of this user's application data).
    static QString defaultProjectPath();
    // Creates a new demo project at projectPath (replacing an earlier demo project there, nothing else) and
    // imports the exports, the roster and the staff list on the worker (taskFinished / taskFailed).
    // Throws UserError when the demo files are missing or the project cannot be written.
    static bool open(RecoverySession &session, const QString &projectPath);
    static QString taskTitle();
};

} // namespace tt
