// HartServiceHost: runs the Hartonomous ingest tier (a Java process) as a Windows
// service. The DSC configuration compiles this file on the ingest host with the
// C# compiler of the .NET Framework (Add-Type), so it sticks to C# 5.
//
// usage (as the service's binary path):
//   HartServiceHost.exe <service-name> <host.conf>
//
// host.conf holds KEY=VALUE lines (# starts a comment):
//   JAVA=C:\Program Files\Microsoft\jdk-25\bin\java.exe
//   ARG=--add-modules          (one ARG line per command-line argument, in order)
//   ARG=jdk.incubator.vector
//   WORKDIR=C:\ProgramData\Hartonomous\ingest
//   LOGDIR=C:\ProgramData\Hartonomous\ingest\logs
//   ENVFILE=C:\ProgramData\Hartonomous\ingest\config\ingest.env   (repeatable)
// Each ENVFILE holds KEY=VALUE lines that become the Java process's environment
// variables (HART_STORAGE_URL, HART_STORAGE_PASSWORD, ...).
//
// When Java exits on its own, the host exits with code 1 without reporting
// SERVICE_STOPPED, so the Service Control Manager's recovery actions (restart)
// apply. Stopping the service ends the Java process; the ingest tier resumes
// interrupted jobs from their last committed chunk.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.ServiceProcess;
using System.Text;

namespace Hartonomous.ServiceHost
{
    public sealed class HostSettings
    {
        public string Java;
        public readonly List<string> Arguments = new List<string>();
        public string WorkingDirectory;
        public string LogDirectory;
        public readonly List<string> EnvironmentFiles = new List<string>();

        public static HostSettings Load(string path)
        {
            HostSettings settings = new HostSettings();
            foreach (KeyValuePair<string, string> pair in ReadPairs(path))
            {
                switch (pair.Key.ToUpperInvariant())
                {
                    case "JAVA": settings.Java = pair.Value; break;
                    case "ARG": settings.Arguments.Add(pair.Value); break;
                    case "WORKDIR": settings.WorkingDirectory = pair.Value; break;
                    case "LOGDIR": settings.LogDirectory = pair.Value; break;
                    case "ENVFILE": settings.EnvironmentFiles.Add(pair.Value); break;
                    default: throw new InvalidDataException(path + ": unknown key " + pair.Key);
                }
            }
            if (string.IsNullOrEmpty(settings.Java)) throw new InvalidDataException(path + ": JAVA is not set");
            if (string.IsNullOrEmpty(settings.WorkingDirectory)) settings.WorkingDirectory = Path.GetDirectoryName(path);
            if (string.IsNullOrEmpty(settings.LogDirectory)) settings.LogDirectory = settings.WorkingDirectory;
            return settings;
        }

        // KEY=VALUE lines; blank lines and lines starting with # are ignored.
        public static List<KeyValuePair<string, string>> ReadPairs(string path)
        {
            List<KeyValuePair<string, string>> pairs = new List<KeyValuePair<string, string>>();
            foreach (string raw in File.ReadAllLines(path, Encoding.UTF8))
            {
                string line = raw.Trim();
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal)) continue;
                int eq = line.IndexOf('=');
                if (eq <= 0) throw new InvalidDataException(path + ": expected KEY=VALUE, got a line without '='");
                pairs.Add(new KeyValuePair<string, string>(line.Substring(0, eq).Trim(), line.Substring(eq + 1)));
            }
            return pairs;
        }

        // Windows command-line quoting (the rules CommandLineToArgvW / the C runtime parse).
        public static string Quote(string argument)
        {
            if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '"' }) < 0) return argument;
            StringBuilder quoted = new StringBuilder("\"");
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"') quoted.Append('\\', backslashes * 2 + 1);
                else quoted.Append('\\', backslashes);
                backslashes = 0;
                quoted.Append(c);
            }
            quoted.Append('\\', backslashes * 2);
            quoted.Append('"');
            return quoted.ToString();
        }
    }

    public sealed class JavaService : ServiceBase
    {
        private readonly string configPath;
        private readonly object logLock = new object();
        private Process child;
        private StreamWriter log;
        private volatile bool stopping;

        public JavaService(string serviceName, string configPath)
        {
            ServiceName = serviceName;
            CanStop = true;
            CanShutdown = true;
            AutoLog = true;
            this.configPath = configPath;
        }

        protected override void OnStart(string[] args)
        {
            HostSettings settings = HostSettings.Load(configPath);
            Directory.CreateDirectory(settings.LogDirectory);
            FileStream stream = new FileStream(
                Path.Combine(settings.LogDirectory, ServiceName + ".log"),
                FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            log = new StreamWriter(stream, new UTF8Encoding(false));
            log.AutoFlush = true;

            List<string> quoted = new List<string>();
            foreach (string argument in settings.Arguments) quoted.Add(HostSettings.Quote(argument));

            ProcessStartInfo start = new ProcessStartInfo(settings.Java, string.Join(" ", quoted.ToArray()));
            start.UseShellExecute = false;
            start.CreateNoWindow = true;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.WorkingDirectory = settings.WorkingDirectory;
            foreach (string file in settings.EnvironmentFiles)
            {
                foreach (KeyValuePair<string, string> pair in HostSettings.ReadPairs(file))
                {
                    start.EnvironmentVariables[pair.Key] = pair.Value;
                }
            }

            child = new Process();
            child.StartInfo = start;
            child.EnableRaisingEvents = true;
            child.OutputDataReceived += delegate(object sender, DataReceivedEventArgs e) { Write(e.Data); };
            child.ErrorDataReceived += delegate(object sender, DataReceivedEventArgs e) { Write(e.Data); };
            child.Exited += OnChildExited;
            child.Start();
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            Write("[service-host] started " + settings.Java + " (pid " + child.Id + ")");
        }

        private void OnChildExited(object sender, EventArgs e)
        {
            if (stopping) return;
            Write("[service-host] java exited unexpectedly with code " + child.ExitCode + "; exiting so that the recovery actions restart the service");
            Environment.Exit(1);
        }

        protected override void OnStop()
        {
            StopChild();
        }

        protected override void OnShutdown()
        {
            StopChild();
        }

        private void StopChild()
        {
            stopping = true;
            try
            {
                if (child != null && !child.HasExited)
                {
                    child.Kill();
                    child.WaitForExit(30000);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            Write("[service-host] stopped");
            lock (logLock)
            {
                if (log != null) log.Dispose();
                log = null;
            }
        }

        private void Write(string line)
        {
            if (line == null) return;
            lock (logLock)
            {
                if (log != null) log.WriteLine(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ") + " " + line);
            }
        }

        public static int Main(string[] args)
        {
            if (args.Length != 2)
            {
                Console.Error.WriteLine("usage: HartServiceHost.exe <service-name> <host.conf>");
                return 2;
            }
            ServiceBase.Run(new JavaService(args[0], args[1]));
            return 0;
        }
    }
}
