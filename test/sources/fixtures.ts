/**
 * Config files as real users write them, kept as strings because several are not valid strict JSON
 * (comments, trailing commas, a syntax error) and must reach the readers byte for byte.
 */

/** Claude Desktop's claude_desktop_config.json: no expansion, so `${HOME}` stays as written. */
export const CLAUDE_DESKTOP = `{
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-filesystem",
        "/Users/alice/Desktop",
        "\${HOME}/Downloads"
      ]
    },
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_exampleexampleexample"
      }
    },
    "weather": {
      "command": "uv",
      "args": ["--directory", "/Users/alice/code/weather", "run", "weather.py"]
    }
  },
  "globalShortcut": "Alt+Space"
}
`;

/** `~/.claude.json` with user servers and several projects; `{{PROJECT}}` becomes the test's cwd. */
export const CLAUDE_JSON = `{
  "numStartups": 148,
  "installMethod": "npm-global",
  "autoUpdates": true,
  "theme": "dark",
  "mcpServers": {
    "sentry": {
      "type": "http",
      "url": "https://mcp.sentry.dev/mcp"
    },
    "memory": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-memory"],
      "env": {}
    }
  },
  "projects": {
    "/home/alice/code/old-project": {
      "allowedTools": [],
      "mcpServers": {
        "old-db": {
          "type": "stdio",
          "command": "npx",
          "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://localhost/old"],
          "env": {}
        }
      },
      "hasTrustDialogAccepted": true
    },
    "{{PROJECT}}": {
      "allowedTools": [],
      "history": [],
      "mcpServers": {
        "postgres": {
          "type": "stdio",
          "command": "npx",
          "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://localhost/app_dev"],
          "env": {}
        }
      },
      "enabledMcpjsonServers": [],
      "disabledMcpjsonServers": [],
      "hasTrustDialogAccepted": true
    },
    "/home/alice": {
      "allowedTools": [],
      "mcpServers": {}
    }
  }
}
`;

/** A project `.mcp.json` using `${VAR}` and `${VAR:-default}`. */
export const CLAUDE_MCP_JSON = `{
  "mcpServers": {
    "api-server": {
      "type": "http",
      "url": "\${API_BASE_URL:-https://api.example.com}/mcp",
      "headers": {
        "Authorization": "Bearer \${API_KEY}"
      }
    },
    "linear": {
      "type": "sse",
      "url": "https://mcp.linear.app/sse"
    },
    "local-tools": {
      "command": "\${NODE_BIN:-node}",
      "args": ["\${PROJECT_TOOLS:-./tools}/server.js", "--verbose"],
      "env": {
        "LOG_LEVEL": "\${LOG_LEVEL:-info}"
      }
    }
  }
}
`;

/** An administrator's `managed-mcp.json`. */
export const CLAUDE_MANAGED = `{
  "mcpServers": {
    "company-internal": {
      "type": "http",
      "url": "https://mcp.corp.example.com/mcp"
    }
  }
}
`;

/** `~/.cursor/mcp.json` with `${env:X}`, `${userHome}` and a disabled server. */
export const CURSOR_USER = `{
  "mcpServers": {
    "context7": {
      "url": "https://mcp.context7.com/mcp",
      "headers": {
        "CONTEXT7_API_KEY": "\${env:CONTEXT7_API_KEY}"
      }
    },
    "puppeteer": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-puppeteer"],
      "disabled": true
    },
    "notes": {
      "command": "node",
      "args": ["\${userHome}/mcp/notes/index.js"]
    }
  }
}
`;

/** `<project>/.cursor/mcp.json` with `${workspaceFolder}`. */
export const CURSOR_PROJECT = `{
  "mcpServers": {
    "project-docs": {
      "command": "python",
      "args": ["-m", "docs_server", "--root", "\${workspaceFolder}/docs"],
      "env": {
        "DOCS_TOKEN": "\${env:DOCS_TOKEN}"
      }
    }
  }
}
`;

/** `.vscode/mcp.json` as VS Code users write it: comments, trailing commas, `inputs`. */
export const VSCODE_MCP = `{
  // 💡 Inputs are prompted on first server start, then stored securely by VS Code.
  "inputs": [
    {
      "type": "promptString",
      "id": "api-key",
      "description": "Perplexity API Key",
      "password": true,
    },
  ],
  "servers": {
    // A local server started from the workspace
    "perplexity": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "server-perplexity-ask"],
      "env": {
        "PERPLEXITY_API_KEY": "\${input:api-key}",
      },
    },
    "fetch": {
      "type": "stdio",
      "command": "uvx",
      "args": ["mcp-server-fetch"],
      "cwd": "\${workspaceFolder}",
    },
    /* Remote servers */
    "github": {
      "type": "http",
      "url": "https://api.githubcopilot.com/mcp/",
    },
    "legacy-events": {
      "type": "sse",
      "url": "http://localhost:3001/sse",
      "headers": { "X-User": "\${env:USER}" },
    },
  },
}
`;

/** Windsurf's `mcp_config.json`, remote servers under `serverUrl`. */
export const WINDSURF = `{
  "mcpServers": {
    "figma": {
      "serverUrl": "https://mcp.figma.com/mcp",
      "headers": {
        "Authorization": "Bearer \${env:FIGMA_TOKEN}"
      }
    },
    "git": {
      "command": "uvx",
      "args": ["mcp-server-git", "--repository", "\${userHome}/code/app"]
    },
    "slack": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-slack"],
      "disabled": true
    }
  }
}
`;

/** Our own `--config` file in YAML, key `servers`. */
export const CONFIG_YAML = `# Servers for the demo, checked into the team's repository.
servers:
  everything:
    command: npx
    args: [-y, "@modelcontextprotocol/server-everything"]
  remote-search:
    type: streamable-http
    url: \${SEARCH_URL:-https://search.example.com/mcp}
    headers:
      Authorization: Bearer \${env:SEARCH_TOKEN}
`;

/** Our own `--config` file in JSON with a trailing comma, key `mcpServers`. */
export const CONFIG_JSON = `{
  "mcpServers": {
    "memory": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-memory"]
    },
    "workspace-files": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "\${workspaceFolder}"],
    }
  }
}
`;

/** A comma missing at the end of line 4; the parser notices at line 5, column 7. */
export const BAD_JSON = `{
  "mcpServers": {
    "memory": {
      "command": "npx"
      "args": ["-y", "@modelcontextprotocol/server-memory"]
    }
  }
}
`;

/** One file with good servers and every kind of broken entry. */
export const MIXED = `{
  "mcpServers": {
    "good-stdio": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-memory"]
    },
    "args-is-string": {
      "command": "npx",
      "args": "-y @modelcontextprotocol/server-memory"
    },
    "number-arg": {
      "command": "node",
      "args": ["server.js", "--port", 8080]
    },
    "env-number": {
      "command": "node",
      "args": ["server.js"],
      "env": { "PORT": 8080, "SECRET_TOKEN": "s3cr3t-value" }
    },
    "nothing": {
      "args": ["server.js"]
    },
    "websocket": {
      "type": "websocket",
      "url": "ws://localhost:9000"
    },
    "bad-url": {
      "type": "http",
      "url": "not a url?token=s3cr3t-value"
    },
    "good-remote": {
      "url": "https://example.com/mcp"
    }
  }
}
`;
