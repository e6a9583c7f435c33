import { useState } from 'preact/hooks';
import type { HTMLAttributes } from 'preact';
import type { Session } from './session.ts';
import { readDroppedFolder } from './dropped-folder.ts';

/** The directory picker's attribute (Chromium, Firefox, Safari), which Preact's types do not list. */
const DIRECTORY_PICKER = { webkitdirectory: true } as Record<string, unknown>;

/** Only files are taken from a drag; text or links dragged over the panel are left to the browser. */
function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * The model panel as a drop zone for a .gguf file or an ONNX model folder: while one is dragged over
 * it, it says what it accepts; a drop opens the first item as the "Open a model file…" or "Open a
 * model folder…" control would.
 */
export function useModelFileDrop(session: Session, disabled: boolean): { dragging: boolean; handlers: HTMLAttributes<HTMLElement> } {
  const [dragging, setDragging] = useState(false);
  const handlers: HTMLAttributes<HTMLElement> = {
    onDragOver: (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
      setDragging(true);
    },
    onDragLeave: (e) => {
      // Moving between the panel's own children fires leave too; only leaving the panel ends the drag.
      if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setDragging(false);
    },
    onDrop: (e) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      setDragging(false);
      if (disabled) return;
      // The entry must be taken during the event: the drop's items are gone once it returns.
      const entry = e.dataTransfer?.items[0]?.webkitGetAsEntry?.();
      if (entry?.isDirectory) void session.openModelFolder(readDroppedFolder(entry as FileSystemDirectoryEntry));
      else void session.openModelFile(file);
    },
  };
  return { dragging, handlers };
}

/** "Open a model file…": a real file input behind a visible label, the check's progress, and a refusal with its reason. */
export function ModelFileControl({ session, disabled, dragging }: { session: Session; disabled: boolean; dragging: boolean }) {
  const files = session.modelFiles;
  const checking = files.checking.value;
  // "Keep on this device" acts on the file or folder chosen in the model select.
  const selectedFile = files.opened.value.some((m) => m.id === session.modelId.value) ? session.modelId.value : null;
  return (
    <div class="model-file" data-testid="model-file">
      <label class="file-button" data-disabled={disabled || checking ? 'true' : undefined}>
        <input
          class="sr-only"
          data-testid="model-file-input"
          type="file"
          accept=".gguf"
          disabled={disabled || checking}
          onChange={(e) => {
            const input = e.currentTarget;
            const file = input.files?.[0];
            // Cleared so that choosing the same file again (after fixing it) fires a change again.
            input.value = '';
            if (file) void session.openModelFile(file);
          }}
        />
        Open a model file…
      </label>
      <label class="file-button" data-disabled={disabled || checking ? 'true' : undefined}>
        <input
          class="sr-only"
          data-testid="model-folder-input"
          type="file"
          {...DIRECTORY_PICKER}
          disabled={disabled || checking}
          onChange={(e) => {
            const input = e.currentTarget;
            const entries = Array.from(input.files ?? [], (file) => ({ relativePath: file.webkitRelativePath || file.name, file }));
            input.value = '';
            void session.openModelFolder(entries);
          }}
        />
        Open a model folder…
      </label>
      <span class="hint" data-testid="model-file-drop-hint" data-dragging={dragging ? 'true' : undefined}>
        {dragging ? 'Drop a .gguf file or an ONNX model folder here to open it' : checking ? 'Checking…' : 'or drop a .gguf file or an ONNX model folder here'}
      </span>
      {selectedFile && (
        <label class="keep-file">
          <input
            type="checkbox"
            data-testid="model-file-keep"
            checked={files.isKept(selectedFile)}
            disabled={disabled || files.keeping.value || !files.hasBytes(selectedFile)}
            onChange={(e) => void files.setKept(selectedFile, e.currentTarget.checked)}
          />
          {files.keepLabel(selectedFile)}
        </label>
      )}
      {files.refusal.value && (
        <p class="error model-file-refusal" role="alert" data-testid="model-file-error">
          {files.refusal.value}
        </p>
      )}
    </div>
  );
}
