export const at = (file: string, line: number) => ({ file, line });
