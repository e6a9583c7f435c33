import { useState } from 'preact/hooks';
import type { HTMLAttributes } from 'preact';
import type { Session } from './session.ts';

/** Only files are taken from a drag; text or links dragged over the panel are left to the browser. */
function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * The model panel as a drop zone for a .gguf file: while one is dragged over it, it says what it
 * accepts; a drop opens the first file as the "Open a model file…" control would.
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
      if (!disabled) void session.openModelFile(file);
    },
  };
  return { dragging, handlers };
}

/** "Open a model file…": a real file input behind a visible label, the check's progress, and a refusal with its reason. */
export function ModelFileControl({ session, disabled, dragging }: { session: Session; disabled: boolean; dragging: boolean }) {
  const files = session.modelFiles;
  const checking = files.checking.value;
  // "Keep on this device" acts on the file chosen in the model select.
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
      <span class="hint" data-testid="model-file-drop-hint" data-dragging={dragging ? 'true' : undefined}>
        {dragging ? 'Drop a .gguf model file here to open it' : checking ? 'Checking the file…' : 'or drop a .gguf file here'}
      </span>
      {selectedFile && (
        <label class="keep-file">
          <input
            type="checkbox"
            data-testid="model-file-keep"
            checked={files.isKept(selectedFile)}
            disabled={disabled || files.keeping.value}
            onChange={(e) => void files.setKept(selectedFile, e.currentTarget.checked)}
          />
          Keep on this device
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
